package dev.patient360.hub.authorization;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The facts access decisions are made of, answered from the stored fixtures. */
class StoredAccessFactsIT extends AuthorizationFixtureIT {

	@Autowired
	DaoRegistry daos;

	AccessFacts facts() {
		return StoredAccessFacts.of(new SystemRequestDetails(), daos);
	}

	@Test
	void coveredPatientsAreTheBeneficiariesOfActiveCoverageWithTheInsurerAsPayor() {
		assertThat(facts().patientsCoveredBy("demo-insurer")).contains(PATIENT_A).doesNotContain(PATIENT_B);
		assertThat(facts().patientsCoveredBy("authz-other-insurer")).contains(PATIENT_B).doesNotContain(PATIENT_A);
	}

	@Test
	void consentingPatientsAreThoseWithAnActiveDisclosureConsentNamingTheOrganization() {
		assertThat(facts().patientsConsentingTo("demo-clinic")).contains(PATIENT_A, PATIENT_B);
		// B's Consent naming demo-clinic-2 is about contact, not disclosure.
		assertThat(facts().patientsConsentingTo("demo-clinic-2")).contains(PATIENT_A).doesNotContain(PATIENT_B);
		assertThat(facts().patientsConsentingTo("demo-insurer")).isEmpty();
	}

	@Test
	void patientsInCareAreThoseWithEncountersAtOrActiveCareTeamsWithTheOrganization() {
		assertThat(facts().patientsInCareOf("demo-clinic-2")).containsExactly("authz-patient-c");
		assertThat(facts().patientsInCareOf("demo-clinic")).containsExactly("authz-patient-c");
		assertThat(facts().patientsInCareOf("demo-insurer")).as("cancelled encounter").isEmpty();
	}

	@Test
	void theFactsOfARequestAreAskedOnceAndKeptForThatRequestOnly() {
		SystemRequestDetails request = new SystemRequestDetails();
		assertThat(StoredAccessFacts.of(request, daos)).isSameAs(StoredAccessFacts.of(request, daos));
		assertThat(StoredAccessFacts.of(new SystemRequestDetails(), daos)).isNotSameAs(StoredAccessFacts.of(request, daos));
	}
}
