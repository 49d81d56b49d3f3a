package dev.patient360.hub.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import dev.patient360.hub.testsupport.HubIntegrationTest;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/**
 * Deleting a source Patient the audit trail names: the AuditEvents do not block it (409 before), the
 * index unlinks it, and its golden record follows the remaining sources or is retired. References
 * from clinical data still block the delete.
 */
class SourcePatientDeleteIT extends HubIntegrationTest {

	@Test
	void anAuditedSourcePatientIsDeletedAndItsGoldenRecordFollowsTheRemainingSource() {
		String first = create("clinic-a", "Loeschmann", "Greta", "1966-06-16", "D-1");
		String second = create("clinic-b", "Löschmann", "Greta", "1966-06-16", "D-2");
		String golden = goldenOf(first);
		assertThat(goldenOf(second)).isEqualTo(golden);
		awaitAudited(first);

		HttpResponse<String> deleted = http("DELETE", "/" + first, null);
		assertThat(deleted.statusCode()).as(deleted.body()).isIn(200, 204);

		assertThat(sourcesOf(golden)).containsExactly(second);
		assertThat(http("GET", "/Patient/$mdm-query-links?resourceId=" + first, null).body()).doesNotContain("\"link\"");
		assertThat(client().read().resource(Patient.class).withId(golden).execute().getActive()).isNotEqualTo(false);
		assertThat(auditCount(first)).as("the trail of the deleted patient stays searchable").isPositive();
	}

	@Test
	void deletingTheOnlySourceRetiresTheGoldenRecord() {
		String only = create("clinic-a", "Einzelgaenger", "Hugo", "1977-07-17", "D-3");
		String golden = goldenOf(only);
		awaitAudited(only);

		assertThat(http("DELETE", "/" + only, null).statusCode()).isIn(200, 204);

		assertThat(sourcesOf(golden)).isEmpty();
		assertThat(client().read().resource(Patient.class).withId(golden).execute().getActive()).isFalse();
	}

	@Test
	void aSourcePatientWithEncountersStillCannotBeDeleted() {
		String patient = create("clinic-a", "Behandelt", "Ida", "1988-08-18", "D-4");
		Encounter encounter = new Encounter();
		encounter.setStatus(Encounter.EncounterStatus.FINISHED);
		encounter.getClass_().setSystem("http://terminology.hl7.org/CodeSystem/v3-ActCode").setCode("AMB");
		encounter.setSubject(new Reference(patient));
		client().create().resource(encounter).execute();
		awaitAudited(patient);

		HttpResponse<String> refused = http("DELETE", "/" + patient, null);
		assertThat(refused.statusCode()).isEqualTo(409);
		assertThat(refused.body()).contains("OperationOutcome").contains("Encounter/");
		assertThat(goldenOf(patient)).isNotBlank();
	}

	private String create(String source, String family, String given, String birthDate, String mrn) {
		return client().create().resource(PatientIndexStewardshipIT.patient(source, family, given, birthDate, "01069", mrn))
				.execute().getId().toUnqualifiedVersionless().getValue();
	}

	/** Reads the patient and waits until the audit drain has stored an AuditEvent naming it. */
	private void awaitAudited(String patient) {
		client().read().resource(Patient.class).withId(patient).execute();
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> auditCount(patient) > 0);
	}

	private int auditCount(String patient) {
		Bundle found = client().search().byUrl("AuditEvent?entity=" + patient + "&_summary=count")
				.returnBundle(Bundle.class).execute();
		return found.getTotal();
	}

	private String goldenOf(String source) {
		Parameters links = client().operation().onType(Patient.class).named("$mdm-query-links")
				.withParameter(Parameters.class, "resourceId", new org.hl7.fhir.r4.model.StringType(source))
				.andParameter("matchResult", new org.hl7.fhir.r4.model.StringType("MATCH")).useHttpGet().execute();
		assertThat(links.getParameter()).hasSize(1);
		return PatientMatchingCohortIT.part(links.getParameter().get(0), "goldenResourceId");
	}

	private List<String> sourcesOf(String golden) {
		Parameters links = client().operation().onType(Patient.class).named("$mdm-query-links")
				.withParameter(Parameters.class, "goldenResourceId", new org.hl7.fhir.r4.model.StringType(golden))
				.andParameter("matchResult", new org.hl7.fhir.r4.model.StringType("MATCH")).useHttpGet().execute();
		return links.getParameter().stream().map(l -> PatientMatchingCohortIT.part(l, "sourceResourceId")).toList();
	}
}
