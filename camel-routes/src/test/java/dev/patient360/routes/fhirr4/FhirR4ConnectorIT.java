package dev.patient360.routes.fhirr4;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patient360.hub.testsupport.KeycloakServer;
import dev.patient360.hub.testsupport.Tokens;
import dev.patient360.routes.simulator.EhrSimulator;
import dev.patient360.routes.simulator.Keys;
import dev.patient360.routes.testsupport.HubProcess;
import dev.patient360.routes.testsupport.TestDatabases;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fhir-r4 connector end to end over real HTTP: a simulated EHR (Synthea Patients and Encounters,
 * SMART backend-services token endpoint, one 429) → connector → the real hub jar secured by a real
 * Keycloak, written as the {@code demo-ehr} client. One test method, because each step builds on
 * the state the previous one left (first pull, unchanged second pull, changed record, a changed
 * record the hub refuses beside one it accepts).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FhirR4ConnectorIT {

	private static final String ID_SYSTEM = "https://fhir.patient360.dev/source/demo-ehr/";
	private static HubProcess hub;
	private static EhrSimulator ehr;

	@LocalServerPort
	int port;

	@Autowired
	FhirR4Puller puller;

	private final HttpClient http = HttpClient.newHttpClient();
	private final ObjectMapper json = new ObjectMapper();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) throws Exception {
		KeyPair keys = Keys.generate();
		Path pem = Keys.writePrivateKey(keys, Path.of("target"));
		ehr = EhrSimulator.start(0, EhrSimulator.SYNTHEA_BUNDLES, 3, "p360-connector", (RSAPublicKey) keys.getPublic(),
				Duration.ofSeconds(60));
		// The first search is throttled (429, Retry-After: 1); later ones are not.
		ehr.faults.throttleNext(1, 1);

		KeycloakServer keycloak = KeycloakServer.get();
		hub = HubProcess.sharedSecured();
		registry.add("routes.hub-url", hub::fhirBase);
		registry.add("routes.hl7v2.enabled", () -> "false");
		registry.add("routes.hl7v2.port", HubProcess::freePort);
		registry.add("routes.heartbeat-period", () -> "1h");
		registry.add("routes.auth.token-url", keycloak::tokenEndpoint);
		registry.add("routes.auth.client-id", () -> "demo-ehr");
		registry.add("routes.auth.client-secret", () -> Tokens.demoSecret("demo-ehr"));
		registry.add("routes.admin.oidc-issuer", keycloak::issuer);
		String i = "routes.connectors.instances[0].";
		registry.add(i + "id", () -> "sim-ehr");
		registry.add(i + "type", () -> "fhir-r4");
		registry.add(i + "base-url", ehr::baseUrl);
		registry.add(i + "source-system", () -> "demo-ehr");
		// Runs once at start; the test pulls explicitly (runs of one instance never overlap).
		registry.add(i + "schedule", () -> "1h");
		registry.add(i + "resource-types[0]", () -> "Patient");
		registry.add(i + "resource-types[1]", () -> "Encounter");
		registry.add(i + "options.page-size", () -> "10");
		registry.add(i + "options.max-requests-per-second", () -> "2");
		registry.add(i + "auth.token-url", ehr::tokenUrl);
		registry.add(i + "auth.client-id", () -> "p360-connector");
		registry.add(i + "auth.private-key", pem::toString);
		registry.add(i + "auth.scope", () -> "system/Patient.rs system/Encounter.rs");
		TestDatabases.registerRoutesDb(registry, "routes_fhirr4");
	}

	@AfterAll
	static void stop() {
		if (ehr != null) {
			ehr.close();
		}
	}

	@Test
	void pullsEverythingOnceAddsNothingOnARepeatVersionsAChangedRecordAndDeadLettersOneTheHubRefuses() throws Exception {
		int patients = ehr.all("Patient").size();
		int encounters = ehr.all("Encounter").size();
		assertThat(patients).isEqualTo(3);
		assertThat(encounters).isGreaterThan(10);

		puller.pull("sim-ehr");

		String token = Tokens.forClient("demo-ehr");
		assertThat(count("Patient", token)).isEqualTo(patients);
		assertThat(count("Encounter", token)).isEqualTo(encounters);
		assertThat(ehr.faults.throttled.get()).isEqualTo(1);
		assertThat(ehr.tokens.accepted.get()).isGreaterThanOrEqualTo(1);
		assertThat(ehr.tokens.rejected.get()).isZero();
		// At most 2 requests per second to the source: data requests (retries included) start ≥ 500 ms
		// apart; arrival times may be a little closer than the client's send times.
		List<Long> requests = ehr.wireMock().getAllServeEvents().stream().filter(e -> !e.getRequest().getUrl().equals("/token"))
				.map(e -> e.getRequest().getLoggedDate().getTime()).sorted().toList();
		assertThat(requests).hasSizeGreaterThan(5);
		for (int k = 1; k < requests.size(); k++) {
			assertThat(requests.get(k) - requests.get(k - 1)).as("spacing before request " + k).isGreaterThanOrEqualTo(450);
		}
		// Encounter.subject at the source (Patient/<source id>) now points at the hub's Patient.
		Resource anEncounter = ehr.all("Encounter").get(0);
		JsonNode hubEncounter = search("Encounter?identifier=" + enc(ID_SYSTEM + "Encounter|" + anEncounter.getIdElement().getIdPart()), token)
				.path("entry").get(0).path("resource");
		String sourcePatient = ((org.hl7.fhir.r4.model.Encounter) anEncounter).getSubject().getReferenceElement().getIdPart();
		JsonNode hubPatient = search("Patient?identifier=" + enc(ID_SYSTEM + "Patient|" + sourcePatient), token)
				.path("entry").get(0).path("resource");
		assertThat(hubEncounter.path("subject").path("reference").asText()).isEqualTo("Patient/" + hubPatient.path("id").asText());
		assertThat(hubEncounter.path("meta").path("tag").toString()).contains("\"demo-ehr\"");

		Map<String, String> versions = versions(token);
		puller.pull("sim-ehr");
		assertThat(versions(token)).isEqualTo(versions);

		Patient changed = (Patient) ehr.all("Patient").get(0);
		String changedId = changed.getIdElement().getIdPart();
		// The hub may have versioned the Patient after the first pull (the engagement engine writes
		// its journey stage when Encounters arrive), so the change is counted from where it stood.
		JsonNode v1 = search("Patient?identifier=" + enc(ID_SYSTEM + "Patient|" + changedId), token).path("entry").get(0).path("resource");
		int versionBefore = Integer.parseInt(v1.path("meta").path("versionId").asText());
		ehr.change("Patient", changedId, r -> ((Patient) r).addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE)
				.setValue("555-0100"));
		puller.pull("sim-ehr");
		JsonNode v2 = search("Patient?identifier=" + enc(ID_SYSTEM + "Patient|" + changedId), token).path("entry").get(0).path("resource");
		assertThat(v2.path("meta").path("versionId").asText()).isEqualTo(String.valueOf(versionBefore + 1));
		assertThat(v2.path("telecom").toString()).contains("555-0100");
		assertThat(count("Patient", token)).isEqualTo(patients);
		Map<String, String> after = versions(token);
		assertThat(after.entrySet().stream().filter(e -> !e.getValue().equals(versions.get(e.getKey())))).hasSize(1);

		// A record the hub refuses for good (its subject is a patient the source never serves) goes to the
		// dead letters with its content; the other change of the same page is written, and the next pull
		// does not bring the refused one again (the watermark moved past it).
		List<Resource> encounters2 = ehr.all("Encounter");
		String refusedId = encounters2.get(1).getIdElement().getIdPart();
		String fineId = encounters2.get(2).getIdElement().getIdPart();
		Map<String, String> beforeRefusal = encounterVersions(token);
		ehr.change("Encounter", refusedId, r -> ((Encounter) r).getSubject().setReference("Patient/not-at-this-source"));
		ehr.change("Encounter", fineId, r -> ((Encounter) r).setStatus(Encounter.EncounterStatus.CANCELLED));
		puller.pull("sim-ehr");
		String engineer = Tokens.forClient("demo-engineer");
		String letters = "http://127.0.0.1:" + port + "/api/dead-letters";
		List<JsonNode> refused = openLetters(letters, engineer, "Encounter/" + refusedId);
		assertThat(refused).hasSize(1);
		assertThat(refused.get(0).path("errorCode").asText()).isEqualTo("HUB-5018");
		JsonNode letter = json.readTree(get(letters + "/" + refused.get(0).path("id").asLong(), engineer).body());
		assertThat(letter.path("error").asText()).matches("(?s)HUB-5018 hub refused the record with HTTP 4\\d\\d: .+");
		assertThat(letter.path("message").asText()).contains("Patient/not-at-this-source");
		JsonNode fine = search("Encounter?identifier=" + enc(ID_SYSTEM + "Encounter|" + fineId), token).path("entry").get(0).path("resource");
		assertThat(fine.path("status").asText()).isEqualTo("cancelled");
		// Encounters only: the engagement engine may version the Patient when its Encounters change.
		Map<String, String> afterRefusal = encounterVersions(token);
		String fineKey = "Encounter/" + fine.path("id").asText();
		assertThat(afterRefusal.get(fineKey)).isNotEqualTo(beforeRefusal.get(fineKey));
		assertThat(afterRefusal.entrySet().stream().filter(e -> !e.getValue().equals(beforeRefusal.get(e.getKey()))))
				.as("only the accepted change").hasSize(1);
		puller.pull("sim-ehr");
		assertThat(openLetters(letters, engineer, "Encounter/" + refusedId)).as("not refused again").hasSize(1);
		assertThat(encounterVersions(token)).isEqualTo(afterRefusal);

		String api = "http://127.0.0.1:" + port + "/api/connectors";
		HttpResponse<String> status = get(api, Tokens.forClient("demo-engineer"));
		assertThat(status.statusCode()).isEqualTo(200);
		JsonNode instance = json.readTree(status.body()).get(0);
		assertThat(instance.path("id").asText()).isEqualTo("sim-ehr");
		assertThat(instance.path("resourceTypes").toString()).contains("\"Patient\"", "\"Encounter\"", "\"watermark\"");
		for (JsonNode row : instance.path("resourceTypes")) {
			assertThat(row.path("lastSuccessAt").isNull()).isFalse();
			assertThat(row.path("lastError").isNull()).isTrue();
		}
		assertThat(get(api, token).statusCode()).isEqualTo(403);
		assertThat(get(api, null).statusCode()).isEqualTo(401);
	}

	/** Open dead letters of this connector for one source record, as {@code GET /api/dead-letters} lists them. */
	private List<JsonNode> openLetters(String api, String engineerToken, String correlationId) throws Exception {
		HttpResponse<String> r = get(api + "?limit=1000", engineerToken);
		assertThat(r.statusCode()).isEqualTo(200);
		List<JsonNode> found = new ArrayList<>();
		for (JsonNode l : json.readTree(r.body())) {
			if (l.path("connector").asText().equals("sim-ehr") && l.path("correlationId").asText().equals(correlationId)) {
				found.add(l);
			}
		}
		return found;
	}

	private long count(String type, String token) throws Exception {
		// The hub is shared with other ITs: only this connector's identifier system counts.
		return search(type + "?_count=500&identifier=" + enc(ID_SYSTEM + type + "|"), token).path("entry").size();
	}

	/** Source-tagged Patient and Encounter ids with their version in the hub. */
	private Map<String, String> versions(String token) throws Exception {
		Map<String, String> v = new TreeMap<>();
		for (String type : List.of("Patient", "Encounter")) {
			String url = hub.fhirBase() + "/" + type + "?_count=500&identifier=" + enc(ID_SYSTEM + type + "|");
			for (JsonNode e : json.readTree(get(url, token).body()).path("entry")) {
				v.put(type + "/" + e.path("resource").path("id").asText(), e.path("resource").path("meta").path("versionId").asText());
			}
		}
		return v;
	}

	private Map<String, String> encounterVersions(String token) throws Exception {
		Map<String, String> v = new TreeMap<>(versions(token));
		v.keySet().removeIf(k -> !k.startsWith("Encounter/"));
		return v;
	}

	private JsonNode search(String query, String token) throws Exception {
		HttpResponse<String> r = get(hub.fhirBase() + "/" + query, token);
		assertThat(r.statusCode()).as(query).isEqualTo(200);
		return json.readTree(r.body());
	}

	private HttpResponse<String> get(String url, String token) throws Exception {
		HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).GET()
				.header("Accept", "application/json, application/fhir+json");
		if (token != null) {
			r.header("Authorization", "Bearer " + token);
		}
		return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static String enc(String s) {
		return URLEncoder.encode(s, StandardCharsets.UTF_8);
	}
}
