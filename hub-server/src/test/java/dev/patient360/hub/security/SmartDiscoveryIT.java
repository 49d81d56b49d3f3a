package dev.patient360.hub.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.patient360.hub.testsupport.KeycloakServer;
import dev.patient360.hub.testsupport.SecuredHubIntegrationTest;
import dev.patient360.hub.testsupport.Tokens;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Extension;
import org.junit.jupiter.api.Test;

/**
 * A SMART client that knows only the hub's FHIR base finds out how to get a token: from
 * {@code .well-known/smart-configuration} and from the CapabilityStatement, both public, both
 * pointing at the real Keycloak; the token it gets there is accepted.
 */
class SmartDiscoveryIT extends SecuredHubIntegrationTest {

	private static final ObjectMapper JSON = new ObjectMapper();

	@Test
	void smartConfigurationNamesKeycloaksEndpointsAndWhatTheHubSupports() throws Exception {
		HttpResponse<String> response = http("GET", "/.well-known/smart-configuration", null);

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				type -> assertThat(type).startsWith("application/json"));
		Map<String, Object> smart = JSON.readValue(response.body(), new TypeReference<>() {
		});
		KeycloakServer keycloak = KeycloakServer.get();
		assertThat(smart).containsEntry("issuer", keycloak.issuer())
				.containsEntry("token_endpoint", keycloak.tokenEndpoint())
				.containsEntry("jwks_uri", keycloak.jwksUri())
				.containsEntry("authorization_endpoint", keycloak.issuer() + "/protocol/openid-connect/auth");
		assertThat(strings(smart, "capabilities")).contains("client-confidential-asymmetric",
				"client-confidential-symmetric", "permission-v2", "permission-v1", "permission-patient",
				"permission-user");
		assertThat(strings(smart, "grant_types_supported")).contains("client_credentials", "authorization_code");
		assertThat(strings(smart, "token_endpoint_auth_methods_supported")).contains("private_key_jwt",
				"client_secret_basic");
		assertThat(strings(smart, "token_endpoint_auth_signing_alg_values_supported")).containsExactly("RS384", "ES384");
		assertThat(strings(smart, "scopes_supported")).contains("system/Patient.cruds", "user/Patient.rs",
				"patient/*.rs", "system/AuditEvent.rs").doesNotContain("roles", "basic", "patient360-hub-audience");
	}

	@Test
	void theDiscoveredTokenEndpointIssuesATokenTheHubAccepts() throws Exception {
		Map<String, Object> smart = JSON.readValue(http("GET", "/.well-known/smart-configuration", null).body(),
				new TypeReference<>() {
				});
		String basic = Base64.getEncoder().encodeToString(("demo-clinic:" + Tokens.demoSecret("demo-clinic")).getBytes());
		HttpResponse<String> tokenResponse = send(HttpRequest.newBuilder(URI.create((String) smart.get("token_endpoint")))
				.header("Authorization", "Basic " + basic)
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build());
		assertThat(tokenResponse.statusCode()).isEqualTo(200);
		String token = (String) JSON.readValue(tokenResponse.body(), Map.class).get("access_token");

		Map<String, Object> claims = Tokens.claims(token);
		assertThat(claims).containsEntry("iss", smart.get("issuer")).containsEntry("aud", "patient360-hub")
				.containsEntry("organization", "demo-clinic");
		assertThat(httpWithToken(token, "GET", "/Patient?_count=1", null).statusCode()).isNotIn(401, 403, 500);
	}

	@Test
	void capabilityStatementDeclaresSmartOnFhirWithKeycloaksOauthUris() {
		HttpResponse<String> response = http("GET", "/metadata", null);

		assertThat(response.statusCode()).isEqualTo(200);
		CapabilityStatement statement = parse(CapabilityStatement.class, response.body());
		CapabilityStatement.CapabilityStatementRestSecurityComponent security = statement.getRestFirstRep().getSecurity();
		assertThat(security.getServiceFirstRep().getCodingFirstRep().getSystem())
				.isEqualTo("http://terminology.hl7.org/CodeSystem/restful-security-service");
		assertThat(security.getServiceFirstRep().getCodingFirstRep().getCode()).isEqualTo("SMART-on-FHIR");
		Extension uris = security.getExtensionByUrl("http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris");
		assertThat(uris).isNotNull();
		assertThat(uris.getExtensionByUrl("token").getValue().primitiveValue()).isEqualTo(KeycloakServer.get().tokenEndpoint());
		assertThat(uris.getExtensionByUrl("authorize").getValue().primitiveValue())
				.isEqualTo(KeycloakServer.get().issuer() + "/protocol/openid-connect/auth");
		assertThat(security.getExtensionByUrl(SmartCapabilityStatementInterceptor.SECURITY_DISABLED_EXTENSION)).isNull();
		assertThat(statement.getImplementation().getDescription()).doesNotContain("DISABLED");
	}

	@SuppressWarnings("unchecked")
	private static List<String> strings(Map<String, Object> json, String key) {
		assertThat(json.get(key)).as(key).isInstanceOf(List.class);
		return (List<String>) json.get(key);
	}
}
