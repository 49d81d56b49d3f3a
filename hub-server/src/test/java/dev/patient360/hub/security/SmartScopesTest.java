package dev.patient360.hub.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SmartScopesTest {

	@Test
	void v2LettersGrantExactlyTheirInteractions() {
		SmartScopes scopes = SmartScopes.parse("openid patient/Observation.rs user/Encounter.cud");

		assertThat(scopes.grants(SmartScope.Context.PATIENT, "Observation", Interaction.READ)).isTrue();
		assertThat(scopes.grants(SmartScope.Context.PATIENT, "Observation", Interaction.SEARCH)).isTrue();
		assertThat(scopes.grants(SmartScope.Context.PATIENT, "Observation", Interaction.CREATE)).isFalse();
		assertThat(scopes.grants(SmartScope.Context.USER, "Observation", Interaction.READ)).isFalse();
		assertThat(scopes.grants(SmartScope.Context.USER, "Encounter", Interaction.UPDATE)).isTrue();
		assertThat(scopes.grants(SmartScope.Context.USER, "Encounter", Interaction.READ)).isFalse();
	}

	@Test
	void readWithoutSearchCannotSearch() {
		SmartScopes scopes = SmartScopes.parse("system/Patient.r");

		assertThat(scopes.grants(SmartScope.Context.SYSTEM, "Patient", Interaction.READ)).isTrue();
		assertThat(scopes.grants(SmartScope.Context.SYSTEM, "Patient", Interaction.SEARCH)).isFalse();
	}

	@Test
	void v1ReadAndWriteAreAccepted() {
		SmartScopes scopes = SmartScopes.parse("user/Patient.read system/*.write");

		assertThat(scopes.grants(SmartScope.Context.USER, "Patient", Interaction.SEARCH)).isTrue();
		assertThat(scopes.grants(SmartScope.Context.USER, "Patient", Interaction.UPDATE)).isFalse();
		assertThat(scopes.grants(SmartScope.Context.SYSTEM, "Claim", Interaction.DELETE)).isTrue();
		assertThat(scopes.grants(SmartScope.Context.SYSTEM, "Claim", Interaction.READ)).isFalse();
	}

	@Test
	void wildcardTypeAndStarPermissionGrantEverything() {
		SmartScopes scopes = SmartScopes.parse("system/*.*");

		for (Interaction interaction : Interaction.values()) {
			assertThat(scopes.grants(SmartScope.Context.SYSTEM, "Consent", interaction)).isTrue();
		}
	}

	@Test
	void scopeWithQueryRestrictionGrantsNothing() {
		SmartScopes scopes = SmartScopes.parse("patient/Observation.rs?category=laboratory");

		assertThat(scopes.grantsAnyContext("Observation", Interaction.READ)).isFalse();
	}

	@Test
	void malformedAndNonResourceScopesAreIgnored() {
		assertThat(SmartScopes.parse("launch fhirUser offline_access patient/observation.rs user/Patient. x/Patient.rs").scopes())
				.isEmpty();
		assertThat(SmartScopes.parse(null).scopes()).isEmpty();
	}

	@Test
	void partyRolesAreKebabCase() {
		assertThat(Party.EHR_SOURCE.role()).isEqualTo("ehr-source");
		assertThat(Party.fromRole("partner-clinic")).contains(Party.PARTNER_CLINIC);
		assertThat(Party.fromRole("offline_access")).isEmpty();
	}
}
