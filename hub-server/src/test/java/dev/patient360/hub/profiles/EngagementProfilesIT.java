package dev.patient360.hub.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;

import dev.patient360.hub.testsupport.HubIntegrationTest;
import dev.patient360.profiles.Canonicals;
import dev.patient360.profiles.Codes.ContactChannel;
import dev.patient360.profiles.Codes.ContactPurpose;
import dev.patient360.profiles.Codes.JourneyStage;
import dev.patient360.profiles.Codes.Segment;
import dev.patient360.profiles.Codes.StageSource;
import dev.patient360.profiles.Codes.ValueMethod;
import dev.patient360.profiles.EngagementPackage;
import dev.patient360.profiles.PatientEngagement;
import dev.patient360.profiles.SourceRecord;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CommunicationRequest;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The engagement package in the running hub on PostgreSQL: install, enforcement, search parameters. */
class EngagementProfilesIT extends HubIntegrationTest {

	private static final Path INVALID = Path.of("../fhir-profiles/src/test/resources/invalid");

	@Autowired
	EngagementPackageInstaller installer;

	private static String unique() {
		return "T" + UUID.randomUUID().toString().replace("-", "");
	}

	private Bundle search(String query) {
		HttpResponse<String> r = http("GET", query, null);
		assertThat(r.statusCode()).as(query + " -> " + r.body()).isEqualTo(200);
		return parse(Bundle.class, r.body());
	}

	private List<String> familiesFound(String query) {
		return search(query).getEntry().stream().map(e -> ((Patient) e.getResource()).getNameFirstRep().getFamily())
				.sorted().toList();
	}

	private String create(Resource resource) {
		HttpResponse<String> r = http("POST", "/" + resource.fhirType(), json(resource));
		assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
		return r.headers().firstValue("Location").orElseThrow().replaceAll(".*/" + resource.fhirType() + "/([^/]+)/.*", "$1");
	}

	private Patient engagementPatient(String family, JourneyStage stage, BigDecimal score, ContactChannel reminderChannel) {
		Patient p = PatientEngagement.claimProfile(new Patient());
		p.addName().setFamily(family);
		if (stage != null) {
			PatientEngagement.setStage(p, new PatientEngagement.Stage(stage, new Date(), StageSource.DERIVED));
		}
		if (score != null) {
			PatientEngagement.setValue(p, new PatientEngagement.Value(score, ValueMethod.LIFETIME_VALUE, new Date()));
		}
		if (reminderChannel != null) {
			PatientEngagement.setContactPreferences(p, List.of(new PatientEngagement.ContactPreference(
					ContactPurpose.APPOINTMENT_REMINDER, reminderChannel, null, null, null, "de", false)));
		}
		return p;
	}

	@Test
	void installedDefinitionsAreReadableByCanonicalUrl() {
		for (String query : List.of(
				"/StructureDefinition?url=" + Canonicals.EXT_JOURNEY_STAGE,
				"/StructureDefinition?url=" + Canonicals.PROFILE_PATIENT,
				"/StructureDefinition?url=" + Canonicals.EXT_SOURCE_RECORD,
				"/CodeSystem?url=" + Canonicals.CS_JOURNEY_STAGE,
				"/ValueSet?url=" + Canonicals.VS_CONTACT_CHANNEL,
				"/SearchParameter?url=" + Canonicals.SP_ENGAGEMENT_VALUE,
				"/OperationDefinition?url=" + Canonicals.OPERATION_ENGAGEMENT_SUMMARY)) {
			assertThat(search(query).getEntry()).as(query).hasSize(1);
		}
		StructureDefinition profile = (StructureDefinition) search("/StructureDefinition?url=" + Canonicals.PROFILE_PATIENT)
				.getEntryFirstRep().getResource();
		assertThat(profile.getSnapshot().getElement()).isNotEmpty();
	}

	@Test
	void installingAgainOnTheSameDatabaseChangesNothing() throws IOException {
		StructureDefinition before = (StructureDefinition) search("/StructureDefinition?url=" + Canonicals.PROFILE_PATIENT)
				.getEntryFirstRep().getResource();
		installer.install();
		installer.install();
		Bundle after = search("/StructureDefinition?url=" + Canonicals.PROFILE_PATIENT);
		assertThat(after.getEntry()).hasSize(1);
		assertThat(after.getEntryFirstRep().getResource().getMeta().getVersionId())
				.isEqualTo(before.getMeta().getVersionId());
		assertThat(search("/SearchParameter?url=" + Canonicals.SP_JOURNEY_STAGE).getEntry()).hasSize(1);
		java.nio.file.Files.writeString(java.nio.file.Path.of("target", "engagement-install.txt"), String.format(
				"install %d ms, validator warm-up %d ms (at start)%n", installer.installMillis(), installer.warmUpMillis()));
	}

	@Test
	void capabilityStatementListsTheProfilesAndTheSearchParameters() {
		CapabilityStatement cs = parse(CapabilityStatement.class, http("GET", "/metadata", null).body());
		CapabilityStatement.CapabilityStatementRestResourceComponent patient = resource(cs, "Patient");
		assertThat(patient.getSupportedProfile()).extracting(c -> c.getValue()).contains(Canonicals.PROFILE_PATIENT);
		assertThat(patient.getSearchParam()).extracting(p -> p.getName())
				.contains("journey-stage", "segment", "engagement-value", "contact-channel");
		assertThat(resource(cs, "CommunicationRequest").getSearchParam()).extracting(p -> p.getName()).contains("purpose");
		assertThat(resource(cs, "Consent").getSupportedProfile()).extracting(c -> c.getValue())
				.contains(Canonicals.PROFILE_CONSENT);
	}

	private static CapabilityStatement.CapabilityStatementRestResourceComponent resource(CapabilityStatement cs, String type) {
		return cs.getRestFirstRep().getResource().stream().filter(r -> r.getType().equals(type)).findFirst().orElseThrow();
	}

	@Test
	void everyPackageExampleIsStoredAndReadBackWithItsMetaExtension() {
		List<IBaseResource> examples = new java.util.ArrayList<>(EngagementPackage.examples(fhirContext));
		assertThat(examples).hasSizeGreaterThanOrEqualTo(6);
		// The examples reference each other by id (and a partner clinic): stored with their own ids,
		// targets first.
		List<String> order = List.of("Patient", "CommunicationRequest", "Communication", "Consent");
		examples.sort(java.util.Comparator.comparingInt(e -> order.indexOf(fhirContext.getResourceType(e))));
		org.hl7.fhir.r4.model.Organization clinic = new org.hl7.fhir.r4.model.Organization().setName("Partner clinic");
		clinic.setId("partner-clinic-example");
		assertThat(http("PUT", "/Organization/partner-clinic-example", json(clinic)).statusCode()).isIn(200, 201);
		for (IBaseResource example : examples) {
			Resource r = (Resource) example;
			String id = r.getIdElement().getIdPart();
			HttpResponse<String> put = http("PUT", "/" + r.fhirType() + "/" + id, json(r));
			assertThat(put.statusCode()).as(put.body()).isIn(200, 201);
			HttpResponse<String> read = http("GET", "/" + r.fhirType() + "/" + id, null);
			assertThat(read.statusCode()).isEqualTo(200);
			Resource stored = (Resource) fhirContext.newJsonParser().parseResource(read.body());
			assertThat(stored.getMeta().getProfile()).extracting(c -> c.getValue()).isNotEmpty();
			SourceRecord source = SourceRecord.get(r);
			if (source != null) {
				// The meta-level extension survives storage and comes back on every read.
				assertThat(SourceRecord.get(stored)).isEqualTo(source);
				assertThat(stored.getMeta().getTag(Canonicals.CS_SOURCE_SYSTEM, source.sourceSystem())).isNotNull();
			}
		}
	}

	static Stream<Path> invalidFixtures() throws IOException {
		try (Stream<Path> s = Files.list(INVALID)) {
			return s.filter(p -> p.toString().endsWith(".json")).sorted().toList().stream();
		}
	}

	@Test
	void everyInvalidExampleIsRefusedWith422NamingTheElement() throws IOException {
		Properties expected = new Properties();
		try (InputStream in = Files.newInputStream(INVALID.resolve("expected-errors.properties"))) {
			expected.load(new InputStreamReader(in, StandardCharsets.UTF_8));
		}
		List<Path> fixtures = invalidFixtures().toList();
		assertThat(fixtures).hasSizeGreaterThanOrEqualTo(10);
		for (Path fixture : fixtures) {
			Resource r = (Resource) fhirContext.newJsonParser().parseResource(Files.readString(fixture));
			r.setId((String) null);
			HttpResponse<String> response = http("POST", "/" + r.fhirType(), json(r));
			String name = fixture.getFileName().toString();
			assertThat(response.statusCode()).as(name + ": " + response.body()).isEqualTo(422);
			OperationOutcome oo = parse(OperationOutcome.class, response.body());
			assertThat(oo.getIssueFirstRep().getDiagnostics()).startsWith("HUB-1000");
			String[] elementAndMessage = expected.getProperty(name).split("\\s*::\\s*", 2);
			assertThat(oo.getIssue()).as(name).anySatisfy(issue -> {
				assertThat(issue.getExpression()).extracting(e -> e.getValue())
						.anySatisfy(e -> assertThat(e).startsWith(elementAndMessage[0]));
				assertThat(issue.getDiagnostics()).contains(elementAndMessage[1]);
			});
		}
	}

	@Test
	void aTransactionWithOneNonConformingEngagementResourceIsRefusedAsAWhole() {
		String family = unique();
		Patient good = engagementPatient(family, JourneyStage.CARE, null, null);
		Patient bad = engagementPatient(family, JourneyStage.CARE, null, null);
		bad.addIdentifier().setSystem(Canonicals.KVNR_SYSTEM).setValue("not-a-kvnr");
		Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		tx.addEntry().setResource(good).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
		tx.addEntry().setResource(bad).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
		HttpResponse<String> response = http("POST", "", json(tx));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
		assertThat(parse(OperationOutcome.class, response.body()).getIssue())
				.anySatisfy(i -> assertThat(i.getDiagnostics()).contains("eng-kvnr-1"));
		assertThat(familiesFound("/Patient?family=" + family)).isEmpty();
	}

	@Test
	void validateOperationChecksAgainstTheInstalledPackage() throws IOException {
		String invalid = Files.readString(INVALID.resolve("Patient-invalid-kvnr-format.json"));
		HttpResponse<String> response = http("POST", "/Patient/$validate", invalid);
		OperationOutcome oo = parse(OperationOutcome.class, response.body());
		assertThat(oo.getIssue()).as(response.body())
				.anySatisfy(i -> assertThat(i.getDiagnostics()).contains("eng-kvnr-1"));
		String valid = json((Resource) EngagementPackage.examples(fhirContext).stream()
				.filter(e -> e.getIdElement().getIdPart().equals("engagement-patient-full")).findFirst().orElseThrow());
		HttpResponse<String> ok = http("POST", "/Patient/$validate", valid);
		assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
		assertThat(parse(OperationOutcome.class, ok.body()).getIssue())
				.noneSatisfy(i -> assertThat(i.getSeverity()).isIn(OperationOutcome.IssueSeverity.ERROR,
						OperationOutcome.IssueSeverity.FATAL));
	}

	@Test
	void inABatchOnlyTheNonConformingEntryIsRefused() {
		String family = unique();
		Patient good = engagementPatient(family, JourneyStage.CARE, null, null);
		Patient bad = engagementPatient(family, JourneyStage.CARE, null, null);
		bad.addIdentifier().setSystem(Canonicals.KVNR_SYSTEM).setValue("not-a-kvnr");
		Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
		batch.addEntry().setResource(good).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
		batch.addEntry().setResource(bad).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
		HttpResponse<String> response = http("POST", "", json(batch));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		Bundle result = parse(Bundle.class, response.body());
		assertThat(result.getEntry().get(0).getResponse().getStatus()).startsWith("201");
		assertThat(result.getEntry().get(1).getResponse().getStatus()).startsWith("422");
		assertThat(familiesFound("/Patient?family=" + family)).hasSize(1);
	}

	@Test
	void aPatchThatBreaksTheProfileIsRefusedAndChangesNothing() {
		Patient p = engagementPatient(unique(), JourneyStage.CARE, null, null);
		p.addIdentifier().setSystem(Canonicals.KVNR_SYSTEM).setValue("A123456789");
		String id = create(p);
		String patch = "[{\"op\":\"replace\",\"path\":\"/identifier/0/value\",\"value\":\"123\"}]";
		HttpResponse<String> refused = http("PATCH", "/Patient/" + id, patch, "Content-Type", "application/json-patch+json");
		assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
		assertThat(parse(OperationOutcome.class, refused.body()).getIssue())
				.anySatisfy(i -> assertThat(i.getExpression()).extracting(e -> e.getValue())
						.contains("Patient.identifier[0].value"));
		Patient stored = parse(Patient.class, http("GET", "/Patient/" + id, null).body());
		assertThat(stored.getIdentifierFirstRep().getValue()).isEqualTo("A123456789");
		assertThat(stored.getMeta().getVersionId()).isEqualTo("1");
	}

	@Test
	void aPatientClaimingNoEngagementProfileIsNotValidatedAgainstIt() {
		Patient p = engagementPatient(unique(), JourneyStage.CARE, null, null);
		p.getMeta().getProfile().clear();
		p.addIdentifier().setSystem(Canonicals.KVNR_SYSTEM).setValue("not-a-kvnr");
		create(p);
	}

	@Test
	void searchParametersFindPatientsByStageSegmentValueAndChannelIncludingMissing() {
		String family = unique();
		Patient treated = engagementPatient(family, JourneyStage.TREATMENT, new BigDecimal("82.5"), ContactChannel.SMS);
		PatientEngagement.setSegments(treated, List.of(Segment.CHRONIC_CARE.coding(), Segment.HIGH_VALUE.coding()));
		treated.getNameFirstRep().addGiven("treated");
		Patient aware = engagementPatient(family, JourneyStage.AWARENESS, new BigDecimal("40"), ContactChannel.EMAIL);
		PatientEngagement.setSegments(aware, List.of(Segment.NEW.coding()));
		aware.getNameFirstRep().addGiven("aware");
		Patient bare = engagementPatient(family, null, null, null);
		bare.getNameFirstRep().addGiven("bare");
		String treatedId = create(treated);
		create(aware);
		create(bare);
		String f = "&family=" + family;

		assertThat(givens("/Patient?journey-stage=treatment" + f)).containsExactly("treated");
		assertThat(givens("/Patient?journey-stage=" + Canonicals.CS_JOURNEY_STAGE + "|awareness" + f)).containsExactly("aware");
		assertThat(givens("/Patient?journey-stage:missing=true" + f)).containsExactly("bare");
		assertThat(givens("/Patient?journey-stage:missing=false" + f)).containsExactly("aware", "treated");
		assertThat(givens("/Patient?segment=high-value" + f)).containsExactly("treated");
		assertThat(givens("/Patient?segment=new,chronic-care" + f)).containsExactly("aware", "treated");
		assertThat(givens("/Patient?segment:missing=true" + f)).containsExactly("bare");
		assertThat(givens("/Patient?engagement-value=gt70" + f)).containsExactly("treated");
		assertThat(givens("/Patient?engagement-value=le40" + f)).containsExactly("aware");
		assertThat(givens("/Patient?engagement-value:missing=true" + f)).containsExactly("bare");
		assertThat(givens("/Patient?contact-channel=sms" + f)).containsExactly("treated");
		assertThat(givens("/Patient?contact-channel=" + Canonicals.CS_CONTACT_CHANNEL + "|email" + f)).containsExactly("aware");
		assertThat(givens("/Patient?contact-channel:missing=true" + f)).containsExactly("bare");

		CommunicationRequest cr = new CommunicationRequest();
		cr.getMeta().addProfile(Canonicals.PROFILE_COMMUNICATION_REQUEST);
		cr.setStatus(CommunicationRequest.CommunicationRequestStatus.ACTIVE);
		cr.addCategory(ContactPurpose.APPOINTMENT_REMINDER.concept());
		cr.addMedium(ContactChannel.SMS.concept());
		cr.setSubject(new Reference("Patient/" + treatedId));
		String crId = create(cr);
		Bundle byPurpose = search("/CommunicationRequest?purpose=appointment-reminder&subject=Patient/" + treatedId);
		assertThat(byPurpose.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart()).containsExactly(crId);
		assertThat(search("/CommunicationRequest?purpose=marketing&subject=Patient/" + treatedId).getEntry()).isEmpty();
		assertThat(search("/CommunicationRequest?purpose:missing=true&subject=Patient/" + treatedId).getEntry()).isEmpty();
	}

	@Test
	void anUpdateMovesThePatientToTheNewStageAndHistoryKeepsTheOldOne() {
		String family = unique();
		Patient p = engagementPatient(family, JourneyStage.TREATMENT, new BigDecimal("75"), ContactChannel.SMS);
		String id = create(p);
		p.setId(id);
		PatientEngagement.setStage(p, new PatientEngagement.Stage(JourneyStage.ONGOING_CARE, new Date(), StageSource.MANUAL));
		PatientEngagement.setValue(p, new PatientEngagement.Value(new BigDecimal("55"), ValueMethod.MANUAL, new Date()));
		HttpResponse<String> updated = http("PUT", "/Patient/" + id, json(p));
		assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);

		String f = "&family=" + family;
		assertThat(familiesFound("/Patient?journey-stage=treatment" + f)).isEmpty();
		assertThat(familiesFound("/Patient?journey-stage=ongoing-care" + f)).containsExactly(family);
		assertThat(familiesFound("/Patient?engagement-value=gt70" + f)).isEmpty();

		Bundle history = search("/Patient/" + id + "/_history");
		assertThat(history.getEntry()).hasSize(2);
		assertThat(history.getEntry()).extracting(e -> PatientEngagement.getStage((Patient) e.getResource()).stage())
				.containsExactly(JourneyStage.ONGOING_CARE, JourneyStage.TREATMENT);

		// An update that breaks the profile is refused and leaves the current version as it was.
		p.getExtensionByUrl(Canonicals.EXT_ENGAGEMENT_VALUE).getExtensionByUrl("score")
				.setValue(new org.hl7.fhir.r4.model.DecimalType(150));
		HttpResponse<String> refused = http("PUT", "/Patient/" + id, json(p));
		assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
		assertThat(search("/Patient/" + id + "/_history").getEntry()).hasSize(2);
	}

	@Test
	void sourceRecordOnMetaIsStoredReturnedAndTagged() {
		Patient p = engagementPatient(unique(), JourneyStage.CARE, null, null);
		new SourceRecord("demo-ehr", "PAT-" + unique(), "demo-ehr-fhir-1", new Date()).set(p);
		String id = create(p);
		Patient stored = parse(Patient.class, http("GET", "/Patient/" + id, null).body());
		assertThat(SourceRecord.get(stored)).isNotNull();
		assertThat(SourceRecord.get(stored).recordId()).isEqualTo(SourceRecord.get(p).recordId());
		assertThat(search("/Patient?_id=" + id + "&_tag=" + Canonicals.CS_SOURCE_SYSTEM + "|demo-ehr").getEntry()).hasSize(1);
	}

	private List<String> givens(String query) {
		return search(query).getEntry().stream()
				.map(e -> ((Patient) e.getResource()).getNameFirstRep().getGiven().get(0).getValue())
				.sorted().toList();
	}
}
