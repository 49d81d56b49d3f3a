package dev.patient360.hub.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * While the identity provider cannot be reached, a token can be neither accepted nor rejected:
 * callers get 503 with an OperationOutcome and Retry-After, never 401 (their token may be fine) and
 * never 500.
 */
class IdentityProviderOutageTest {

	private static final FhirContext FHIR = FhirContext.forR4Cached();

	private final HubSecurityProperties props = new HubSecurityProperties(HubSecurityProperties.Mode.ENABLED,
			"http://127.0.0.1:" + closedPort() + "/realms/patient360", "patient360-hub", Duration.ofSeconds(30),
			Duration.ofMinutes(5));
	private final OidcDiscovery discovery = new OidcDiscovery(props, new ObjectMapper());

	@Test
	void tokenValidationReportsTheIdentityProviderUnavailableAndTheCallerGets503() throws Exception {
		IssuerJwtDecoder decoder = new IssuerJwtDecoder(discovery, props);

		assertThatThrownBy(() -> decoder.decode("eyJhbGciOiJSUzI1NiJ9.e30.c2ln"))
				.isInstanceOf(IdentityProviderUnavailableException.class)
				.hasMessageStartingWith("HUB-2003");

		MockHttpServletResponse response = new MockHttpServletResponse();
		new SecurityErrorResponses(FHIR).commence(new MockHttpServletRequest("GET", "/fhir/Patient"), response,
				new IdentityProviderUnavailableException("HUB-2003: the identity provider cannot be reached; retry later", null));
		assertThat(response.getStatus()).isEqualTo(503);
		assertThat(response.getHeader("Retry-After")).isEqualTo("5");
		assertThat(FHIR.newJsonParser().parseResource(OperationOutcome.class, response.getContentAsString())
				.getIssueFirstRep().getDiagnostics()).startsWith("HUB-2003");
	}

	@Test
	void smartConfigurationAnswers503WhileKeycloakIsDown() throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		new SmartConfigurationServlet(discovery, new ObjectMapper(), FHIR)
				.doGet(new MockHttpServletRequest("GET", SmartConfigurationServlet.PATH), response);

		assertThat(response.getStatus()).isEqualTo(503);
		assertThat(response.getContentType()).startsWith("application/fhir+json");
		assertThat(FHIR.newJsonParser().parseResource(OperationOutcome.class, response.getContentAsString())
				.getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.TRANSIENT);
	}

	@Test
	void theCapabilityStatementStillDeclaresSmartWithoutTheEndpoints() {
		org.hl7.fhir.r4.model.CapabilityStatement statement = new org.hl7.fhir.r4.model.CapabilityStatement();
		statement.addRest();
		new SmartCapabilityStatementInterceptor(discovery).describeSecurity(statement);

		assertThat(statement.getRestFirstRep().getSecurity().getServiceFirstRep().getCodingFirstRep().getCode())
				.isEqualTo("SMART-on-FHIR");
		assertThat(statement.getRestFirstRep().getSecurity().getDescription()).contains("currently unreachable");
	}

	/** A loopback port nothing listens on (bound, then released). */
	private static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException e) {
			throw new IllegalStateException(e);
		}
	}
}
