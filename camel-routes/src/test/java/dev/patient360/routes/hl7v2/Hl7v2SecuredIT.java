package dev.patient360.routes.hl7v2;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patient360.hub.testsupport.KeycloakServer;
import dev.patient360.hub.testsupport.Tokens;
import dev.patient360.routes.testsupport.HubProcess;
import dev.patient360.routes.testsupport.MllpClient;
import dev.patient360.routes.testsupport.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With security on end to end: a real Keycloak (realm patient360), the hub trusting it, and the
 * connector writing as the {@code demo-ehr} client with no source system configured (so it takes
 * the token's {@code source_system} claim, the only one the hub accepts). Also the dead-letter API,
 * which only {@code integration-engineer} tokens may use.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class Hl7v2SecuredIT {

	private static final Path MESSAGES = Path.of("../../shared/data/hl7v2/msft-fhir-converter/messages");
	private static final int MLLP_PORT = HubProcess.freePort();
	private static HubProcess hub;

	@LocalServerPort
	int port;

	private final HttpClient http = HttpClient.newHttpClient();
	private final ObjectMapper json = new ObjectMapper();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) throws Exception {
		KeycloakServer keycloak = KeycloakServer.get();
		hub = HubProcess.start(Map.of("HUB_OIDC_ISSUER", keycloak.issuer()));
		registry.add("routes.hub-url", hub::fhirBase);
		registry.add("routes.hl7v2.port", () -> MLLP_PORT);
		registry.add("routes.heartbeat-period", () -> "1h");
		registry.add("routes.auth.token-url", keycloak::tokenEndpoint);
		registry.add("routes.auth.client-id", () -> "demo-ehr");
		registry.add("routes.auth.client-secret", () -> Tokens.demoSecret("demo-ehr"));
		registry.add("routes.admin.oidc-issuer", keycloak::issuer);
		TestDatabases.registerRoutesDb(registry, "routes_hl7v2_secured");
	}

	@AfterAll
	static void stopHub() {
		if (hub != null) {
			hub.close();
		}
	}

	@Test
	void messageReachesTheSecuredHubTaggedWithTheClientsSourceSystem() throws Exception {
		String message = Hl7v2MllpIT.withControlId(
				Files.readString(MESSAGES.resolve("ADT-A28-01.hl7"), StandardCharsets.UTF_8), "SECURED-1")
				.replace("PATID1234", "PATSECURED1");
		try (MllpClient client = new MllpClient(MLLP_PORT)) {
			assertThat(MllpClient.msa(client.send(message))).containsExactly("AA", "SECURED-1");
		}
		String ehrToken = Tokens.forClient("demo-ehr");
		JsonNode bundle = await().atMost(Duration.ofMinutes(1)).until(
				() -> json.readTree(get(hub.fhirBase() + "/Patient?identifier=PATSECURED1", ehrToken).body()),
				b -> b.path("entry").size() == 1);
		JsonNode tags = bundle.path("entry").get(0).path("resource").path("meta").path("tag");
		assertThat(tags.toString()).contains("\"demo-ehr\"");
	}

	@Test
	void deadLettersAreListedShownRetriedAndDiscardedOnlyByAnIntegrationEngineer() throws Exception {
		// No PID-3: the mapper refuses it (HUB-4012), so it becomes a dead letter.
		String poison = "MSH|^~\\&|POISON|CLINIC|HUB|HUB|20260101120000+0100||ADT^A28^ADT_A05|POISON-1|P|2.5.1\r"
				+ "EVN|A28|20260101120000\rPID|1||||Nobody^Nemo||19700101|M\r";
		try (MllpClient client = new MllpClient(MLLP_PORT)) {
			assertThat(MllpClient.msa(client.send(poison))).containsExactly("AA", "POISON-1");
		}
		String api = "http://127.0.0.1:" + port + "/api/dead-letters";
		String engineer = Tokens.forClient("demo-engineer");
		JsonNode list = await().atMost(Duration.ofMinutes(1)).until(() -> json.readTree(get(api, engineer).body()),
				l -> l.isArray() && l.toString().contains("POISON|CLINIC|POISON-1"));
		long id = 0;
		for (JsonNode letter : list) {
			if (letter.path("correlationId").asText().equals("POISON|CLINIC|POISON-1")) {
				id = letter.path("id").asLong();
				assertThat(letter.path("errorCode").asText()).isEqualTo("HUB-4012");
			}
		}
		assertThat(get(api, null).statusCode()).isEqualTo(401);
		assertThat(get(api, Tokens.forClient("demo-ehr")).statusCode()).isEqualTo(403);

		HttpResponse<String> shown = get(api + "/" + id, engineer);
		assertThat(shown.statusCode()).isEqualTo(200);
		assertThat(json.readTree(shown.body()).path("message").asText()).startsWith("MSH|").contains("POISON-1");

		assertThat(send("POST", api + "/" + id + "/retry", engineer).statusCode()).isEqualTo(202);
		// Still unmappable: it comes back as a new dead letter, the retried one is closed.
		long retried = id;
		await().atMost(Duration.ofMinutes(1)).until(() -> json.readTree(get(api, engineer).body()),
				l -> l.toString().contains("POISON|CLINIC|POISON-1") && !l.toString().contains("\"id\":" + retried + ","));
		long again = 0;
		for (JsonNode letter : json.readTree(get(api, engineer).body())) {
			if (letter.path("correlationId").asText().equals("POISON|CLINIC|POISON-1")) {
				again = letter.path("id").asLong();
			}
		}
		assertThat(send("DELETE", api + "/" + again, engineer).statusCode()).isEqualTo(200);
		assertThat(send("DELETE", api + "/" + again, engineer).statusCode()).isEqualTo(409);
		assertThat(get(api, engineer).body()).doesNotContain("POISON-1");
	}

	private HttpResponse<String> get(String url, String token) throws Exception {
		return send("GET", url, token);
	}

	private HttpResponse<String> send(String method, String url, String token) throws Exception {
		HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.noBody())
				.header("Accept", "application/json, application/fhir+json");
		if (token != null) {
			r.header("Authorization", "Bearer " + token);
		}
		return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
	}
}
