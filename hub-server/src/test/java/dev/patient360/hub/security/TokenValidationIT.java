package dev.patient360.hub.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Base64;
import java.nio.charset.StandardCharsets;

import dev.patient360.hub.testsupport.KeycloakServer;
import dev.patient360.hub.testsupport.SecuredHubIntegrationTest;
import dev.patient360.hub.testsupport.Tokens;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;

/**
 * The hub accepts exactly the access tokens of its Keycloak realm: real ones from both kinds of
 * confidential client, and rejects every kind of bad token with 401, an OperationOutcome and an
 * RFC 6750 challenge. The forged tokens are signed by the realm's own (demo) key unless the test is
 * about the signature, so each fails for the one reason it is named after; the first test shows
 * that such a token with nothing wrong passes.
 */
class TokenValidationIT extends SecuredHubIntegrationTest {

	private static final String PROTECTED = "/Patient?_count=1";

	@Test
	void aForgedTokenWithNothingWrongSignedByTheRealmKeyIsAccepted() {
		assertThat(call(adminLike().signedByRealmKey()).statusCode()).isEqualTo(200);
	}

	@Test
	void aClientSecretTokenFromKeycloakIsAccepted() {
		assertThat(httpAs("demo-admin", "GET", PROTECTED, null).statusCode()).isEqualTo(200);
	}

	@Test
	void aPrivateKeyJwtTokenFromKeycloakIsAccepted() {
		String token = Tokens.privateKeyJwt("demo-ehr-jwt");
		assertThat(Tokens.claims(token)).containsEntry("azp", "demo-ehr-jwt");
		assertThat(call(token).statusCode()).isEqualTo(200);
	}

	@Test
	void noTokenGets401WithABearerChallengeWithoutErrorCode() {
		HttpResponse<String> response = http("GET", PROTECTED, null);
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"patient360-hub\"");
		assertThat(outcome(response).getIssueFirstRep().getDiagnostics()).startsWith("HUB-2001");
	}

	@Test
	void anExpiredTokenIsRejected() {
		assertRejected(adminLike().issuedAt(Instant.now().minusSeconds(900)).expiresAt(Instant.now().minusSeconds(300))
				.signedByRealmKey(), "expired");
	}

	@Test
	void aTokenExpiredSecondsAgoIsStillAcceptedWithinTheClockSkew() {
		HttpResponse<String> response = call(adminLike().issuedAt(Instant.now().minusSeconds(300))
				.expiresAt(Instant.now().minusSeconds(5)).signedByRealmKey());
		assertThat(response.statusCode()).as(response.headers().map() + response.body()).isEqualTo(200);
	}

	@Test
	void aTokenWithoutExpiryIsRejected() {
		assertRejected(adminLike().without("exp").signedByRealmKey(), "exp");
	}

	@Test
	void aTokenNotYetValidIsRejected() {
		assertRejected(adminLike().notBefore(Instant.now().plusSeconds(300)).signedByRealmKey(), "");
	}

	@Test
	void aTokenOfAnotherIssuerIsRejectedEvenLocalhostFor127001() {
		String localhost = KeycloakServer.get().issuer().replace("127.0.0.1", "localhost");
		assertRejected(adminLike().issuer(localhost).signedByRealmKey(), "iss");
		assertRejected(adminLike().issuer("https://evil.example/realms/patient360").signedByRealmKey(), "iss");
	}

	@Test
	void aTokenForAnotherAudienceIsRejected() {
		assertRejected(adminLike().audience("account").signedByRealmKey(), "aud");
	}

	@Test
	void aTokenWithoutAudienceIsRejected() {
		assertRejected(adminLike().without("aud").signedByRealmKey(), "aud");
	}

	@Test
	void anUnsignedAlgNoneTokenIsRejected() {
		assertRejected(adminLike().unsigned(), "");
	}

	@Test
	void anHs256TokenKeyedWithTheRealmPublicKeyIsRejected() {
		assertRejected(adminLike().signedHs256WithRealmPublicKey(), "");
	}

	@Test
	void aTokenSignedByAnUnknownKeyIsRejected() {
		assertRejected(adminLike().signedByUnknownKey(), "");
	}

	@Test
	void aTokenNamingAnUnknownKidIsRejected() {
		assertRejected(adminLike().signedByRealmKeyUnderUnknownKid(), "");
	}

	@Test
	void aKeycloakTokenWhosePayloadWasAlteredIsRejected() {
		String[] parts = Tokens.clientCredentials("demo-clinic").split("\\.");
		String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
				.replace("partner-clinic", "admin");
		String altered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
				.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
		assertRejected(altered, "");
	}

	@Test
	void somethingThatIsNotAJwtIsRejected() {
		assertRejected("not-a-jwt", "");
	}

	@Test
	void publicEndpointsAnswerWithoutAToken() {
		assertThat(http("GET", "/metadata", null).statusCode()).isEqualTo(200);
		assertThat(http("GET", "/.well-known/smart-configuration", null).statusCode()).isEqualTo(200);
		assertThat(actuator("/actuator/health/readiness", null).statusCode()).isEqualTo(200);
	}

	@Test
	void metricsNeedAnAdminOrEngineerToken() {
		assertThat(actuator("/actuator/prometheus", null).statusCode()).isEqualTo(401);
		assertThat(actuator("/actuator/prometheus", Tokens.forClient("demo-clinic")).statusCode()).isEqualTo(403);
		// Spring Boot tests switch metrics export off, so past the security check the endpoint is 404.
		assertThat(actuator("/actuator/prometheus", Tokens.forClient("demo-engineer")).statusCode()).isNotIn(401, 403);
		assertThat(actuator("/actuator/prometheus", Tokens.forClient("demo-admin")).statusCode()).isNotIn(401, 403);
	}

	@Test
	void aBadTokenIsRejectedEvenOnAPublicEndpoint() {
		assertThat(httpWithToken("not-a-jwt", "GET", "/metadata", null).statusCode()).isEqualTo(401);
	}

	/** A token like demo-admin's: the request would be allowed if the token were good. */
	private static Tokens.Forged adminLike() {
		return Tokens.forged().client("demo-admin").roles("admin").scope("system/*.cruds");
	}

	private HttpResponse<String> call(String token) {
		return httpWithToken(token, "GET", PROTECTED, null);
	}

	private HttpResponse<String> actuator(String path, String token) {
		java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest
				.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path)).GET();
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return send(request.build());
	}

	private void assertRejected(String token, String reasonMentions) {
		HttpResponse<String> response = call(token);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
		assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(challenge -> {
			assertThat(challenge).startsWith("Bearer realm=\"patient360-hub\", error=\"invalid_token\"");
			assertThat(challenge).contains(reasonMentions);
		});
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				type -> assertThat(type).startsWith("application/fhir+json"));
		OperationOutcome outcome = outcome(response);
		assertThat(outcome.getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.LOGIN);
		assertThat(outcome.getIssueFirstRep().getDiagnostics()).startsWith("HUB-2002");
	}

	private OperationOutcome outcome(HttpResponse<String> response) {
		return parse(OperationOutcome.class, response.body());
	}
}
