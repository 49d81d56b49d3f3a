package dev.patient360.hub.authorization;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import dev.patient360.profiles.Canonicals;
import org.awaitility.Awaitility;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/**
 * The patient index with real tokens: patient B (who consented to demo-clinic) also exists in a
 * second source without any Consent. The golden record joins both; the clinic still sees only
 * what B's own Consent allows, and only data stewards use the index's operations.
 */
class GoldenRecordAccessIT extends AuthorizationFixtureIT {

	@Test
	void aClinicSeesThroughTheIndexOnlyWhatEachSourcePatientsConsentAllows() {
		Patient second = new Patient();
		second.getMeta().addTag(Canonicals.CS_SOURCE_SYSTEM, "index-test-ehr", null);
		second.addName().setFamily("Bravo").addGiven("Test");
		second.setGender(AdministrativeGender.FEMALE);
		second.setBirthDateElement(new DateType("1980-01-01"));
		HttpResponse<String> created = as("demo-admin", "POST", "/Patient", json(second), "Accept", "application/fhir+json");
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		String secondId = "Patient/" + parse(Patient.class, created.body()).getIdElement().getIdPart();
		Encounter encounter = new Encounter().setStatus(Encounter.EncounterStatus.FINISHED)
				.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", null))
				.setSubject(new Reference(secondId));
		encounter.getMeta().addTag(Canonicals.CS_SOURCE_SYSTEM, "index-test-ehr", null);
		HttpResponse<String> storedEncounter = as("demo-admin", "POST", "/Encounter", json(encounter),
				"Accept", "application/fhir+json");
		assertThat(storedEncounter.statusCode()).as(storedEncounter.body()).isEqualTo(201);
		String encounterId = "Encounter/" + parse(Encounter.class, storedEncounter.body()).getIdElement().getIdPart();

		// The fixtures were stored below the API; the batch links them to the index.
		assertThat(as("demo-admin", "POST", "/Patient/$mdm-submit", json(new Parameters()),
				"Accept", "application/fhir+json").statusCode()).isEqualTo(200);
		Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> get("demo-admin", "/Patient/$mdm-submit").body()
				.contains("COMPLETED"));
		String golden = goldenOf("demo-admin", "Patient/" + PATIENT_B);
		assertThat(goldenOf("demo-admin", secondId)).isEqualTo(golden);

		HttpResponse<String> adminEverything = get("demo-admin", "/" + golden + "/$everything?_count=100");
		assertThat(adminEverything.statusCode()).isEqualTo(200);
		assertThat(ids(adminEverything)).contains(encounterId, "Encounter/authz-encounter-b", secondId);

		assertThat(get("demo-clinic", "/" + golden + "/$everything").statusCode())
				.as("a golden record has no Consent of its own").isEqualTo(404);
		HttpResponse<String> viaMdm = get("demo-clinic", "/Encounter?subject:mdm=Patient/" + PATIENT_B);
		assertThat(viaMdm.statusCode()).isEqualTo(200);
		assertThat(ids(viaMdm)).contains("Encounter/authz-encounter-b").doesNotContain(encounterId);
		assertNothingOfB("clinic 2 via :mdm", get("demo-clinic-2", "/Encounter?subject:mdm=Patient/" + PATIENT_B));

		assertThat(get("demo-clinic", "/Patient/$mdm-query-links?resourceId=" + secondId).statusCode()).isEqualTo(403);
		assertThat(get("demo-insurer", "/Patient/$mdm-query-links").statusCode()).isEqualTo(403);
		assertThat(get("demo-engineer", "/Patient/$mdm-query-links").statusCode())
				.as("a steward party still needs a Patient read scope, which the demo realm does not give").isEqualTo(403);
		assertThat(as("demo-clinic", "POST", "/Patient/$mdm-submit", json(new Parameters()),
				"Accept", "application/fhir+json").statusCode()).isEqualTo(403);
	}

	private String goldenOf(String client, String source) {
		HttpResponse<String> response = get(client, "/Patient/$mdm-query-links?matchResult=MATCH&resourceId=" + source);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		List<Parameters.ParametersParameterComponent> links = parse(Parameters.class, response.body()).getParameter();
		assertThat(links).hasSize(1);
		return links.get(0).getPart().stream().filter(p -> "goldenResourceId".equals(p.getName())).findFirst()
				.orElseThrow().getValue().primitiveValue();
	}

	private List<String> ids(HttpResponse<String> response) {
		return parse(Bundle.class, response.body()).getEntry().stream()
				.map(e -> e.getResource().getIdElement().toUnqualifiedVersionless().getValue()).toList();
	}
}
