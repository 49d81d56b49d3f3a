package dev.patient360.hub.engagement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import dev.patient360.hub.identity.PatientIndex;
import dev.patient360.hub.testsupport.HubIntegrationTest;
import dev.patient360.profiles.Canonicals;
import dev.patient360.profiles.Codes.Segment;
import dev.patient360.profiles.Codes.ValueMethod;
import dev.patient360.profiles.PatientEngagement;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class SegmentsAndValueIT extends HubIntegrationTest {

	@Autowired
	PatientIndex index;

	@Autowired
	SegmentGroups groups;

	@Test
	void chronicConditionAndCoverageSetSegmentsValueAndGroupMembershipWhichFollowsTheConditionResolving() {
		String patientId = newPatient(1970);
		String golden = index.goldenOf(patientId).orElseThrow();
		Coverage coverage = new Coverage();
		coverage.setStatus(Coverage.CoverageStatus.ACTIVE);
		coverage.setBeneficiary(new Reference(patientId));
		coverage.addPayor(new Reference(patientId));
		client().create().resource(coverage).execute();
		assertThat(segmentsOf(patientId)).containsExactlyInAnyOrder(Segment.NEW, Segment.PREVENTIVE);
		assertThat(PatientEngagement.getValue(read(patientId)).method()).isEqualTo(ValueMethod.RELATIONSHIP_VALUE);
		// reliability and response at half weight without appointments/communications, coverage
		assertThat(PatientEngagement.getValue(read(patientId)).score()).isEqualByComparingTo("22.5");

		Condition diabetes = new Condition();
		diabetes.setSubject(new Reference(patientId));
		diabetes.setClinicalStatus(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", null)));
		diabetes.addCategory(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item", null)));
		diabetes.setCode(new CodeableConcept(new Coding("http://snomed.info/sct", "44054006", "Diabetes mellitus type 2")));
		IdType conditionId = (IdType) client().create().resource(diabetes).execute().getId();
		Encounter visit = new Encounter();
		visit.setStatus(Encounter.EncounterStatus.FINISHED);
		visit.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"));
		visit.setSubject(new Reference(patientId));
		visit.setPeriod(new Period().setStart(Date.from(Instant.now().minus(3, ChronoUnit.DAYS))));
		client().create().resource(visit).execute();

		assertThat(segmentsOf(patientId)).containsExactlyInAnyOrder(Segment.NEW, Segment.CHRONIC_CARE);
		assertThat(segmentsOf(golden)).containsExactlyInAnyOrder(Segment.NEW, Segment.CHRONIC_CARE);
		// + one encounter in 12 months (20/6) and a recent one (15)
		assertThat(PatientEngagement.getValue(read(patientId)).score()).isEqualByComparingTo("40.8");
		assertThat(searchIds("Patient?segment=" + Canonicals.CS_SEGMENT + "|chronic-care&_count=500")).contains(patientId);
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
				assertThat(activeMembers("chronic-care")).contains(golden));
		Group chronic = groupOf("chronic-care");
		assertThat(chronic.getType()).isEqualTo(Group.GroupType.PERSON);
		assertThat(chronic.getActual()).isTrue();
		assertThat(chronic.getMember()).filteredOn(m -> m.getEntity().getReference().equals(golden))
				.allSatisfy(m -> assertThat(m.getPeriod().hasStart()).isTrue());

		diabetes.setId(conditionId.toUnqualifiedVersionless());
		diabetes.setClinicalStatus(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/condition-clinical", "resolved", null)));
		client().update().resource(diabetes).execute();
		assertThat(segmentsOf(patientId)).containsExactlyInAnyOrder(Segment.NEW, Segment.ACUTE_EPISODE, Segment.PREVENTIVE);
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			assertThat(activeMembers("chronic-care")).doesNotContain(golden);
			assertThat(activeMembers("acute-episode")).contains(golden);
		});
		assertThat(groupOf("chronic-care").getMember()).filteredOn(m -> m.getEntity().getReference().equals(golden))
				.singleElement().satisfies(m -> {
					assertThat(m.getInactive()).isTrue();
					assertThat(m.getPeriod().hasEnd()).isTrue();
				});
		assertThat(index.sourcesOf(golden)).containsExactly(patientId);
	}

	@Test
	void aWriteThatChangesNothingAddsNoPatientVersion() {
		String patientId = newPatient(1985);
		Coverage coverage = new Coverage();
		coverage.setStatus(Coverage.CoverageStatus.ACTIVE);
		coverage.setBeneficiary(new Reference(patientId));
		coverage.addPayor(new Reference(patientId));
		IdType coverageId = (IdType) client().create().resource(coverage).execute().getId();
		String version = read(patientId).getMeta().getVersionId();
		coverage.setId(coverageId.toUnqualifiedVersionless());
		coverage.setDependent("01");
		client().update().resource(coverage).execute();
		assertThat(read(patientId).getMeta().getVersionId()).isEqualTo(version);
	}

	@Test
	void catchUpRecomputesPatientsStoredWithoutEngagementAndReportsProgress() {
		// A Patient alone triggers nothing: only the catch-up gives it segments and a value.
		String patientId = newPatient(1960);
		assertThat(PatientEngagement.getValue(read(patientId))).isNull();
		Parameters started = client().operation().onServer().named("$engagement-recompute")
				.withNoParameters(Parameters.class).execute();
		assertThat(started.getParameter("state").getValue().primitiveValue()).isIn("RUNNING", "COMPLETED");
		// The catch-up covers every Patient of the shared test database, not only this test's.
		await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(2)).until(() -> "COMPLETED".equals(client().operation().onServer()
				.named("$engagement-recompute").withNoParameters(Parameters.class).useHttpGet().execute()
				.getParameter("state").getValue().primitiveValue()));
		Parameters done = client().operation().onServer().named("$engagement-recompute")
				.withNoParameters(Parameters.class).useHttpGet().execute();
		assertThat(((org.hl7.fhir.r4.model.IntegerType) done.getParameter("processed").getValue()).getValue())
				.isEqualTo(((org.hl7.fhir.r4.model.IntegerType) done.getParameter("total").getValue()).getValue());
		assertThat(segmentsOf(patientId)).contains(Segment.NEW, Segment.AT_RISK_OF_CHURN);
		assertThat(PatientEngagement.getValue(read(patientId))).isNotNull();
		String golden = index.goldenOf(patientId).orElseThrow();
		// Group membership is applied by the periodic flush, a few seconds after the recompute.
		await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(activeMembers("at-risk-of-churn")).contains(golden));
	}

	private List<String> activeMembers(String code) {
		Group group = groupOf(code);
		return group == null ? List.of() : group.getMember().stream().filter(m -> !m.getInactive())
				.map(m -> m.getEntity().getReference()).toList();
	}

	private Group groupOf(String code) {
		Bundle found = client().search().byUrl("Group?identifier=" + Canonicals.SID_SEGMENT_GROUP + "|" + code)
				.returnBundle(Bundle.class).execute();
		return found.getEntry().isEmpty() ? null : (Group) found.getEntryFirstRep().getResource();
	}

	private List<String> searchIds(String url) {
		Bundle found = client().search().byUrl(url).returnBundle(Bundle.class).execute();
		return found.getEntry().stream()
				.map(e -> e.getResource().getIdElement().toUnqualifiedVersionless().getValue()).toList();
	}

	private java.util.Set<Segment> segmentsOf(String id) {
		return EngagementService.hubSegments(read(id));
	}

	private Patient read(String id) {
		return client().read().resource(Patient.class).withId(new IdType(id).getIdPart()).execute();
	}

	private String newPatient(int year) {
		Patient patient = new Patient();
		patient.addName().setFamily(letters()).addGiven(letters());
		patient.setGender(AdministrativeGender.MALE);
		Random random = new Random();
		patient.setBirthDateElement(new DateType(String.format("%d-%02d-%02d", year, 1 + random.nextInt(12), 1 + random.nextInt(28))));
		return "Patient/" + client().create().resource(patient).execute().getId().getIdPart();
	}

	private static String letters() {
		StringBuilder name = new StringBuilder();
		UUID.randomUUID().toString().chars().filter(Character::isLetterOrDigit)
				.forEach(c -> name.append((char) ('a' + Character.digit(c, 16))));
		return "S" + name.substring(0, 12);
	}
}
