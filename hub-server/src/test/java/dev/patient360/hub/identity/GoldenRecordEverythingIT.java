package dev.patient360.hub.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import ca.uhn.fhir.rest.gclient.ReferenceClientParam;

import dev.patient360.hub.testsupport.HubIntegrationTest;
import dev.patient360.profiles.Canonicals;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/**
 * {@code Patient/{golden}/$everything} and {@code :mdm} searches over three sources of one person.
 */
class GoldenRecordEverythingIT extends HubIntegrationTest {

	static final List<String> SOURCES = List.of("clinic-a", "clinic-b", "insurer-c");

	@Test
	void everythingOnTheGoldenRecordPagesThroughTheUnionOfAllSourcesExactlyOnce() {
		Person person = person("Everythingtest", "Ännchen", "1971-02-03");
		String golden = person.golden;

		Set<String> seen = new HashSet<>();
		List<String> duplicates = new ArrayList<>();
		Bundle page = client().operation().onInstance(golden).named("$everything")
				.withParameter(Parameters.class, "_count", new IntegerType(7)).useHttpGet()
				.returnResourceType(Bundle.class).execute();
		int pages = 0;
		while (true) {
			pages++;
			for (Bundle.BundleEntryComponent entry : page.getEntry()) {
				String id = entry.getResource().getIdElement().toUnqualifiedVersionless().getValue();
				if (!seen.add(id)) {
					duplicates.add(id);
				}
			}
			if (page.getLink(Bundle.LINK_NEXT) == null) {
				break;
			}
			page = client().loadPage().next(page).execute();
		}
		assertThat(duplicates).as("no resource on two pages").isEmpty();
		Set<String> expected = new HashSet<>(person.data);
		expected.addAll(person.sources);
		expected.add(golden);
		assertThat(seen).containsAll(expected);
		assertThat(pages).isGreaterThan(3);
	}

	@Test
	void everyResourceInTheAnswerShowsItsSourceSystem() {
		Person person = person("Provenancetest", "Jörg", "1966-06-16");
		Bundle bundle = client().operation().onInstance(person.golden).named("$everything")
				.withParameter(Parameters.class, "_count", new IntegerType(100)).useHttpGet()
				.returnResourceType(Bundle.class).execute();
		for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
			Resource resource = entry.getResource();
			if (resource.getIdElement().toUnqualifiedVersionless().getValue().equals(person.golden)) {
				assertThat(resource.getMeta().getTag(GoldenRecords.GOLDEN_TAG_SYSTEM, GoldenRecords.GOLDEN_TAG_CODE)).isNotNull();
				continue;
			}
			assertThat(resource.getMeta().getTag().stream().map(Coding::getSystem))
					.as(resource.getIdElement().getValue()).contains(Canonicals.CS_SOURCE_SYSTEM);
		}
	}

	@Test
	void mdmQualifiedReferenceSearchFindsTheDataOfEveryPatientOfThePerson() {
		Person person = person("Mdmsearchtest", "Käthe", "1980-12-24");
		Bundle encounters = client().search().forResource(Encounter.class)
				.where(new ReferenceClientParam("subject:mdm").hasId(person.sources.get(0)))
				.count(100).returnBundle(Bundle.class).execute();
		assertThat(encounters.getEntry()).hasSize(SOURCES.size() * 2);

		Bundle viaGolden = client().search().forResource(Encounter.class)
				.where(new ReferenceClientParam("subject:mdm").hasId(person.golden))
				.count(100).returnBundle(Bundle.class).execute();
		assertThat(viaGolden.getEntry()).hasSize(SOURCES.size() * 2);
	}

	@Test
	void patientSearchesFindSourceRecordsAndGoldenRecordsOnlyWhenAskedFor() {
		Person person = person("Searchtest", "Ölaf", "1959-05-05");
		Bundle byName = client().search().forResource(Patient.class).where(Patient.FAMILY.matchesExactly().value("Searchtest"))
				.returnBundle(Bundle.class).execute();
		assertThat(byName.getEntry()).hasSize(SOURCES.size());
		Bundle golden = client().search().forResource(Patient.class).where(Patient.FAMILY.matchesExactly().value("Searchtest"))
				.withTag(GoldenRecords.GOLDEN_TAG_SYSTEM, GoldenRecords.GOLDEN_TAG_CODE).returnBundle(Bundle.class).execute();
		assertThat(golden.getEntry()).extracting(e -> e.getResource().getIdElement().toUnqualifiedVersionless().getValue())
				.containsExactly(person.golden);
		// A source's conditional upsert by its own identifier still finds exactly its own record.
		Bundle byIdentifier = client().search().forResource(Patient.class)
				.where(Patient.IDENTIFIER.exactly().systemAndCode("https://clinic-a.example/mrn", "Searchtest-clinic-a"))
				.returnBundle(Bundle.class).execute();
		assertThat(byIdentifier.getEntry()).extracting(e -> e.getResource().getIdElement().toUnqualifiedVersionless().getValue())
				.containsExactly(person.sources.get(0));
	}

	record Person(String golden, List<String> sources, List<String> data) {
	}

	/** One person in three sources, each with two Encounters and an Appointment, Coverage, Claim, Communication. */
	Person person(String family, String given, String birthDate) {
		List<String> sources = new ArrayList<>();
		List<String> data = new ArrayList<>();
		for (String source : SOURCES) {
			Patient p = new Patient();
			p.getMeta().addTag(Canonicals.CS_SOURCE_SYSTEM, source, null);
			p.addIdentifier().setSystem("https://" + source + ".example/mrn").setValue(family + "-" + source);
			p.addName().setFamily(family).addGiven(given);
			p.setBirthDateElement(new DateType(birthDate));
			p.setGender(AdministrativeGender.FEMALE);
			p.addAddress().setPostalCode("50667");
			String patientId = create(p);
			sources.add(patientId);
			Reference subject = new Reference(patientId);
			List<Resource> resources = new ArrayList<>();
			for (int i = 0; i < 2; i++) {
				resources.add(new Encounter().setStatus(Encounter.EncounterStatus.FINISHED)
						.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", null))
						.setSubject(subject));
			}
			Appointment appointment = new Appointment().setStatus(Appointment.AppointmentStatus.BOOKED);
			appointment.addParticipant().setActor(subject).setStatus(Appointment.ParticipationStatus.ACCEPTED);
			resources.add(appointment);
			resources.add(new Coverage().setStatus(Coverage.CoverageStatus.ACTIVE).setBeneficiary(subject).addPayor(subject));
			resources.add(new Claim().setStatus(Claim.ClaimStatus.ACTIVE).setUse(Claim.Use.CLAIM).setPatient(subject));
			resources.add(new Communication().setStatus(Communication.CommunicationStatus.COMPLETED).setSubject(subject));
			for (Resource r : resources) {
				r.getMeta().addTag(Canonicals.CS_SOURCE_SYSTEM, source, null);
				data.add(create(r));
			}
		}
		String golden = null;
		for (String source : sources) {
			Parameters links = client().operation().onType(Patient.class).named("$mdm-query-links")
					.withParameter(Parameters.class, "resourceId", new org.hl7.fhir.r4.model.StringType(source))
					.andParameter("matchResult", new org.hl7.fhir.r4.model.StringType("MATCH")).useHttpGet().execute();
			assertThat(links.getParameter()).hasSize(1);
			String g = PatientMatchingCohortIT.part(links.getParameter().get(0), "goldenResourceId");
			assertThat(golden == null || golden.equals(g)).as("all three sources share one golden record").isTrue();
			golden = g;
		}
		return new Person(golden, sources, data);
	}

	private String create(IBaseResource resource) {
		return client().create().resource(resource).execute().getId().toUnqualifiedVersionless().getValue();
	}
}
