package dev.patient360.hub.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import dev.patient360.hub.testsupport.HubIntegrationTest;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;

/** {@code HUB_SECURITY=disabled} (the FHIR behaviour tests' setting): open to anyone, and saying so. */
class SecurityDisabledIT extends HubIntegrationTest {

	@Test
	void theCapabilityStatementSaysSecurityIsDisabled() {
		CapabilityStatement statement = parse(CapabilityStatement.class, http("GET", "/metadata", null).body());

		CapabilityStatement.CapabilityStatementRestSecurityComponent security = statement.getRestFirstRep().getSecurity();
		assertThat(security.getDescription()).startsWith("SECURITY IS DISABLED");
		assertThat(security.getExtensionByUrl(SmartCapabilityStatementInterceptor.SECURITY_DISABLED_EXTENSION)
				.getValue().primitiveValue()).isEqualTo("true");
		assertThat(security.getService()).isEmpty();
		assertThat(statement.getImplementation().getDescription()).contains("SECURITY DISABLED");
	}

	@Test
	void requestsNeedNoTokenAndTokensAreNotLookedAt() {
		assertThat(http("POST", "/Patient", "{\"resourceType\":\"Patient\",\"active\":true}").statusCode()).isEqualTo(201);
		assertThat(http("GET", "/Patient?_count=1", null, "Authorization", "Bearer not-a-jwt").statusCode()).isEqualTo(200);
	}

	@Test
	void smartDiscoveryAnswers404BecauseThereIsNoIdentityProvider() {
		HttpResponse<String> response = http("GET", "/.well-known/smart-configuration", null);

		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(parse(OperationOutcome.class, response.body()).getIssueFirstRep().getDiagnostics()).startsWith("HUB-2004");
	}
}
