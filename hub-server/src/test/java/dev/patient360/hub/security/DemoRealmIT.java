package dev.patient360.hub.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import dev.patient360.hub.testsupport.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The realm's demo clients get from the real Keycloak the tokens docs/security.md promises: the
 * party role, the identifying claim, the SMART scopes and the hub's audience, read as the hub reads
 * them ({@link HubPrincipal#fromToken}). No hub is started.
 */
class DemoRealmIT {

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = ';', value = {
			"demo-ehr;       EHR_SOURCE;           source_system=demo-ehr;      SYSTEM; Encounter;   CREATE",
			"demo-ehr-jwt;   EHR_SOURCE;           source_system=demo-ehr-jwt;  SYSTEM; Observation; UPDATE",
			"demo-scheduling; EHR_SOURCE;          source_system=demo-scheduling; SYSTEM; Appointment; UPDATE",
			"demo-billing;   EHR_SOURCE;           source_system=demo-billing;  SYSTEM; ChargeItem;  CREATE",
			"demo-clinic;    PARTNER_CLINIC;       organization=demo-clinic;    USER;   Consent;     SEARCH",
			"demo-clinic-2;  PARTNER_CLINIC;       organization=demo-clinic-2;  USER;   Patient;     READ",
			"demo-insurer;   INSURER;              organization=demo-insurer;   USER;   Coverage;    SEARCH",
			"demo-auditor;   AUDITOR;              ;                            SYSTEM; AuditEvent;  SEARCH",
			"demo-admin;     ADMIN;                ;                            SYSTEM; Patient;     DELETE",
			"demo-patient-a; PATIENT;              patient=demo-patient-a;      PATIENT; Observation; READ",
			"demo-patient-b; PATIENT;              patient=demo-patient-b;      PATIENT; Encounter;  SEARCH",
			"demo-engineer;  INTEGRATION_ENGINEER; ;                            ;       ;            ;",
			"demo-outreach;  OUTREACH;             ;                            SYSTEM; CommunicationRequest; UPDATE"
	})
	void eachDemoClientsTokenCarriesItsPartyClaimAndScopes(String client, Party party, String claim,
			SmartScope.Context context, String type, Interaction interaction) {
		Map<String, Object> claims = Tokens.claims(Tokens.forClient(client));
		HubPrincipal principal = HubPrincipal.fromToken(claims);

		assertThat(claims.get("aud")).isEqualTo(Tokens.HUB_AUDIENCE);
		assertThat(claims.get("typ")).isEqualTo("Bearer");
		assertThat(principal.clientId()).isEqualTo(client);
		assertThat(principal.parties()).containsExactly(party);
		if (claim != null) {
			String[] nameValue = claim.split("=");
			assertThat(claims).containsEntry(nameValue[0], nameValue[1]);
		}
		if (context == null) {
			assertThat(principal.scopes().scopes()).isEmpty();
		}
		else {
			assertThat(principal.scopes().grants(context, type, interaction)).isTrue();
		}
	}

	@Test
	void clinicScopesAreReadAndSearchOnlyAndNoOtherTypes() {
		HubPrincipal clinic = HubPrincipal.fromToken(Tokens.claims(Tokens.forClient("demo-clinic")));

		assertThat(clinic.scopes().grantsAnyContext("Patient", Interaction.CREATE)).isFalse();
		assertThat(clinic.scopes().grantsAnyContext("Claim", Interaction.READ)).isFalse();
		assertThat(clinic.organizationId()).hasValue("demo-clinic");
		assertThat(clinic.patientId()).isEmpty();
	}

	@Test
	void outreachScopesCoverRequestsCommunicationsAndPatientAddressesOnly() {
		HubPrincipal outreach = HubPrincipal.fromToken(Tokens.claims(Tokens.forClient("demo-outreach")));

		assertThat(outreach.scopes().grants(SmartScope.Context.SYSTEM, "Communication", Interaction.CREATE)).isTrue();
		assertThat(outreach.scopes().grants(SmartScope.Context.SYSTEM, "Patient", Interaction.SEARCH)).isTrue();
		assertThat(outreach.scopes().grantsAnyContext("Patient", Interaction.UPDATE)).isFalse();
		assertThat(outreach.scopes().grantsAnyContext("CommunicationRequest", Interaction.CREATE)).isFalse();
		assertThat(outreach.scopes().grantsAnyContext("Communication", Interaction.DELETE)).isFalse();
		assertThat(outreach.scopes().grantsAnyContext("Observation", Interaction.READ)).isFalse();
	}

	@Test
	void ehrSourcesMayRecordProvenanceButNotReadIt() {
		HubPrincipal ehr = HubPrincipal.fromToken(Tokens.claims(Tokens.forClient("demo-ehr")));

		assertThat(ehr.scopes().grants(SmartScope.Context.SYSTEM, "Provenance", Interaction.CREATE)).isTrue();
		assertThat(ehr.scopes().grants(SmartScope.Context.SYSTEM, "Provenance", Interaction.READ)).isFalse();
		assertThat(ehr.scopes().grantsAnyContext("AuditEvent", Interaction.READ)).isFalse();
	}
}
