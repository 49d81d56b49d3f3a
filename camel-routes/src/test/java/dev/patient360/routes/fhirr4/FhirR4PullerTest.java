package dev.patient360.routes.fhirr4;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.patient360.routes.kit.ConnectorsProperties;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FhirR4PullerTest {

	@Test
	void aPatientScopedFirstPageNamesThePatientAndStartsAtItsWatermarkMinusSkew() {
		URI first = FhirR4Puller.firstPage(instance(Map.of("page-size", "10"), List.of("Encounter")), "Encounter",
				Optional.of(Instant.parse("2026-01-01T10:00:00Z")), Map.of("patient", "a b/1"));
		assertThat(first).hasToString("http://ehr.example/fhir/Encounter?patient=a+b%2F1&_sort=_lastUpdated&_count=10"
				+ "&_lastUpdated=gt2026-01-01T09%3A58%3A00Z");
	}

	@Test
	void anAllPatientsFirstPageWithoutWatermarkAsksForEverything() {
		assertThat(FhirR4Puller.firstPage(instance(Map.of(), List.of("Patient")), "Patient", Optional.empty(), Map.of()))
				.hasToString("http://ehr.example/fhir/Patient?_sort=_lastUpdated&_count=50");
	}

	@Test
	void anUnknownModeOrAPatientScopedInstanceThatListsPatientStopsTheStart() {
		assertThatThrownBy(() -> FhirR4Puller.checkMode(instance(Map.of("mode", "per-patient"), List.of("Encounter"))))
				.hasMessageStartingWith("HUB-5024").hasMessageContaining("per-patient");
		assertThatThrownBy(() -> FhirR4Puller.checkMode(instance(Map.of("mode", "patient-scoped"), List.of("Patient", "Encounter"))))
				.hasMessageStartingWith("HUB-5024").hasMessageContaining("Patient");
		FhirR4Puller.checkMode(instance(Map.of("mode", "patient-scoped"), List.of("Encounter", "Appointment")));
		FhirR4Puller.checkMode(instance(Map.of(), List.of("Patient", "Encounter")));
	}

	@Test
	void anIdentifierLookupAtTheSourceIsATokenSearchOnPatient() {
		assertThat(PatientScopedPull.identifierSearch(instance(Map.of(), List.of("Encounter")),
				new ScopedPatients.ScopedPatient("7", "urn:oid:2.25.1", "MRN 1", false)))
				.hasToString("http://ehr.example/fhir/Patient?identifier=urn%3Aoid%3A2.25.1%7CMRN+1");
	}

	private static ConnectorsProperties.Instance instance(Map<String, String> options, List<String> types) {
		return new ConnectorsProperties.Instance("ehr-1", "fhir-r4", URI.create("http://ehr.example/fhir/"), null,
				Duration.ofMinutes(5), types, "demo-ehr", Duration.ofMinutes(2), options);
	}
}
