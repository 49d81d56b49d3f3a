package dev.patient360.routes.fhirr4;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patient360.hub.testsupport.KeycloakServer;
import dev.patient360.hub.testsupport.Tokens;
import dev.patient360.routes.kit.ConnectorState;
import dev.patient360.routes.kit.ConnectorStatusController;
import dev.patient360.routes.simulator.EhrSimulator;
import dev.patient360.routes.simulator.Keys;
import dev.patient360.routes.testsupport.HubProcess;
import dev.patient360.routes.testsupport.MllpClient;
import dev.patient360.routes.testsupport.TestDatabases;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The patient-scoped fhir-r4 mode end to end, the way Epic or Oracle Health integrations run it: the
 * simulated EHR refuses Encounter searches that name no patient (so the all-patients instance of the
 * same source fails with HTTP 400), the hub learns some of the EHR's patients from its ADT feed (real
 * MLLP into the connector app, MRNs in the EHR's own OID namespace) and one from an earlier pull of
 * the same source (its source id as identifier), and the patient-scoped instance then pulls exactly
 * those patients' Encounters into the real secured hub as {@code demo-ehr}: an MRN is looked up at
 * the source once, an ADT patient the EHR does not know is skipped, a second run adds nothing, a
 * changed Encounter becomes a new version. One test method: each step builds on the previous one.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FhirR4PatientScopedIT {

	/** This test's own source-id systems, apart from what other ITs write into the shared hub. */
	private static final String PREFIX = "https://fhir.patient360.dev/source/demo-ehr-scoped-it/";
	private static final String MRN_OID = "2.25.329800735698586629295641978511506172918";
	private static final String MRN_SYSTEM = "urn:oid:" + MRN_OID;
	private static final int MLLP_PORT = HubProcess.freePort();
	private static final FhirContext FHIR = FhirContext.forR4Cached();
	private static HubProcess hub;
	private static EhrSimulator ehr;

	@Autowired
	FhirR4Puller puller;

	@Autowired
	ConnectorStatusController status;

	@Autowired
	JdbcClient jdbc;

	private final HttpClient http = HttpClient.newHttpClient();
	private final ObjectMapper json = new ObjectMapper();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) throws Exception {
		KeyPair keys = Keys.generate();
		Path pem = Keys.writePrivateKey(keys, Path.of("target"));
		ehr = EhrSimulator.start(0, EhrSimulator.SYNTHEA_BUNDLES, 6, "p360-connector", (RSAPublicKey) keys.getPublic(),
				Duration.ofSeconds(60));
		ehr.mrnSystem(MRN_SYSTEM);
		ehr.requirePatientFor("Encounter");

		KeycloakServer keycloak = KeycloakServer.get();
		hub = HubProcess.sharedSecured();
		registry.add("routes.hub-url", hub::fhirBase);
		registry.add("routes.hl7v2.port", () -> MLLP_PORT);
		registry.add("routes.heartbeat-period", () -> "1h");
		registry.add("routes.auth.token-url", keycloak::tokenEndpoint);
		registry.add("routes.auth.client-id", () -> "demo-ehr");
		registry.add("routes.auth.client-secret", () -> Tokens.demoSecret("demo-ehr"));
		registry.add("routes.admin.oidc-issuer", keycloak::issuer);
		instance(registry, 0, "ehr-all", pem, Map.of());
		instance(registry, 1, "ehr-scoped", pem, Map.of("mode", "patient-scoped", "patient-identifier-system", MRN_SYSTEM));
		TestDatabases.registerRoutesDb(registry, "routes_fhirr4_scoped");
	}

	private static void instance(DynamicPropertyRegistry registry, int n, String id, Path pem, Map<String, String> options) {
		String i = "routes.connectors.instances[" + n + "].";
		registry.add(i + "id", () -> id);
		registry.add(i + "type", () -> "fhir-r4");
		registry.add(i + "base-url", ehr::baseUrl);
		registry.add(i + "source-system", () -> "demo-ehr");
		// Runs once at start; the test pulls explicitly (runs of one instance never overlap).
		registry.add(i + "schedule", () -> "1h");
		registry.add(i + "resource-types[0]", () -> "Encounter");
		registry.add(i + "options.page-size", () -> "5");
		// No re-reading before the watermark: the counts below are then exact even if the run at start
		// already saw some of the patients (the simulator's records are 1 s apart).
		registry.add(i + "skew", () -> "0s");
		registry.add(i + "options.identifier-system-prefix", () -> PREFIX);
		options.forEach((k, v) -> registry.add(i + "options." + k, () -> v));
		registry.add(i + "auth.token-url", ehr::tokenUrl);
		registry.add(i + "auth.client-id", () -> "p360-connector");
		registry.add(i + "auth.private-key", pem::toString);
		registry.add(i + "auth.scope", () -> "system/Patient.rs system/Encounter.rs");
	}

	@AfterAll
	static void stop() {
		if (ehr != null) {
			ehr.close();
		}
	}

	@Test
	void pullsTheEncountersOfExactlyThePatientsTheHubKnowsOnceAndVersionsAChange() throws Exception {
		List<Patient> atSource = ehr.all("Patient").stream().map(Patient.class::cast)
				.sorted(Comparator.comparing(p -> p.getIdElement().getIdPart())).toList();
		assertThat(atSource).hasSize(6);
		Patient viaAdt1 = atSource.get(0);
		Patient viaAdt2 = atSource.get(1);
		Patient viaEarlierPull = atSource.get(2);
		String token = Tokens.forClient("demo-ehr");

		// The hub learns two of the EHR's patients from its ADT feed, and one the EHR does not know.
		try (MllpClient mllp = new MllpClient(MLLP_PORT)) {
			for (Patient p : List.of(viaAdt1, viaAdt2)) {
				assertThat(MllpClient.msa(mllp.send(a28(mrn(p), p.getNameFirstRep().getFamily(),
						p.getNameFirstRep().getGivenAsSingleString(), p.getBirthDateElement().getValueAsString().replace("-", "")))))
						.startsWith("AA");
			}
			assertThat(MllpClient.msa(mllp.send(a28("NOT-AT-THE-EHR-1", "Nobody", "Known", "19700101")))).startsWith("AA");
		}
		// And one from an earlier pull of the same source, which left the source id as identifier.
		FhirR4PageMapper.Context earlier = new FhirR4PageMapper.Context("earlier-pull", "demo-ehr", PREFIX, Set.of("Patient"));
		HttpResponse<String> posted = post(FHIR.newJsonParser().encodeResourceToString(FhirR4PageMapper.map(
				List.of(viaEarlierPull), "Patient", earlier, FhirR4PageMapper.pageOrigin(earlier)).transaction()), token);
		assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
		// Four hub Patients carry the EHR's MRN system (the earlier pull copied it too); the one with the
		// source id needs no lookup, the ADT ones are looked up by MRN.
		await().atMost(Duration.ofMinutes(2)).until(() -> search("Patient?identifier=" + enc(MRN_SYSTEM + "|"), token)
				.path("entry").size() == 4);
		Map<String, String> hubPatientOf = new HashMap<>();
		hubPatientOf.put(viaAdt1.getIdElement().getIdPart(), hubPatientId(MRN_SYSTEM, mrn(viaAdt1), token));
		hubPatientOf.put(viaAdt2.getIdElement().getIdPart(), hubPatientId(MRN_SYSTEM, mrn(viaAdt2), token));
		hubPatientOf.put(viaEarlierPull.getIdElement().getIdPart(),
				hubPatientId(PREFIX + "Patient", viaEarlierPull.getIdElement().getIdPart(), token));

		// The source refuses to list Encounters across all patients: the all-patients instance cannot run.
		puller.pull("ehr-all");
		assertThat(ehr.refusedWithoutPatient.get()).isPositive();
		ConnectorState.Row allRow = row("ehr-all", "Encounter");
		assertThat(allRow.state()).isEqualTo("ERROR");
		assertThat(allRow.lastError()).contains("HUB-5003").contains("400");

		puller.pull("ehr-scoped");

		Map<String, Resource> expected = new TreeMap<>();
		for (String sourcePatient : hubPatientOf.keySet()) {
			ehr.ofPatient("Encounter", sourcePatient).forEach(e -> expected.put(e.getIdElement().getIdPart(), e));
		}
		assertThat(expected.size()).isGreaterThan(3 * 5);
		JsonNode encounters = hubEncounters(token);
		Map<String, String> subjectOf = new TreeMap<>();
		for (JsonNode e : encounters.path("entry")) {
			JsonNode r = e.path("resource");
			subjectOf.put(sourceId(r), r.path("subject").path("reference").asText());
		}
		assertThat(subjectOf.keySet()).isEqualTo(expected.keySet());
		for (Map.Entry<String, Resource> e : expected.entrySet()) {
			String sourcePatient = ((Encounter) e.getValue()).getSubject().getReferenceElement().getIdPart();
			assertThat(subjectOf.get(e.getKey())).isEqualTo("Patient/" + hubPatientOf.get(sourcePatient));
		}
		ConnectorState.Row scopedRow = row("ehr-scoped", "Encounter");
		assertThat(scopedRow.state()).isEqualTo("OK");
		assertThat(scopedRow.resources()).isEqualTo(expected.size());
		// Each patient's watermark is the newest lastUpdated of its Encounters at the source.
		for (String sourcePatient : hubPatientOf.keySet()) {
			Instant newest = ehr.ofPatient("Encounter", sourcePatient).stream().map(r -> r.getMeta().getLastUpdated().toInstant())
					.max(Comparator.naturalOrder()).orElseThrow();
			assertThat(patientWatermark(sourcePatient)).isEqualTo(newest);
		}
		assertThat(jdbc.sql("select count(*) from connector_patient_state where instance = 'ehr-scoped'").query(Long.class).single())
				.isEqualTo(3);
		assertThat(jdbc.sql("select count(*) from connector_patient_link where instance = 'ehr-scoped'").query(Long.class).single())
				.isEqualTo(2);

		// A second run reads each patient from its watermark, looks up only the unknown MRN again, writes nothing.
		Map<String, String> versions = versions(token);
		int servedBefore = ehr.wireMock().getAllServeEvents().size();
		puller.pull("ehr-scoped");
		assertThat(versions(token)).isEqualTo(versions);
		List<String> secondRun = ehr.wireMock().getAllServeEvents().stream()
				.limit(ehr.wireMock().getAllServeEvents().size() - servedBefore).map(e -> e.getRequest().getUrl()).toList();
		List<String> encounterSearches = secondRun.stream().filter(u -> u.startsWith("/fhir/Encounter?patient=")).toList();
		assertThat(encounterSearches).hasSize(3).allMatch(u -> u.contains("_lastUpdated=gt"));
		assertThat(secondRun.stream().filter(u -> u.startsWith("/fhir/Patient?identifier="))).hasSize(1);

		// A changed Encounter at the source becomes a new version of exactly that Encounter.
		String changedId = expected.keySet().iterator().next();
		String changedHubId = hubEncounterId(changedId, token);
		int versionBefore = Integer.parseInt(versions.get(changedHubId));
		ehr.change("Encounter", changedId, r -> ((Encounter) r).setStatus(Encounter.EncounterStatus.CANCELLED));
		puller.pull("ehr-scoped");
		Map<String, String> after = versions(token);
		assertThat(after.get(changedHubId)).isEqualTo(String.valueOf(versionBefore + 1));
		assertThat(after.entrySet().stream().filter(e -> !e.getValue().equals(versions.get(e.getKey())))).hasSize(1);
		JsonNode changed = search("Encounter/" + changedHubId, token);
		assertThat(changed.path("status").asText()).isEqualTo("cancelled");
		assertThat(hubEncounters(token).path("entry").size()).isEqualTo(expected.size());
	}

	private static String a28(String mrn, String family, String given, String birthDate) {
		String controlId = "SCOPED-" + mrn;
		return "MSH|^~\\&|SIMEHR|HOSPITAL|P360|HUB|20260101120000||ADT^A28^ADT_A05|" + controlId + "|P|2.5.1\r"
				+ "EVN|A28|20260101120000\r"
				+ "PID|1||" + mrn + "^^^SIMEHR&" + MRN_OID + "&ISO^MR||" + family + "^" + given + "||" + birthDate + "|U\r";
	}

	private static String mrn(Patient p) {
		return p.getIdentifier().stream().filter(i -> MRN_SYSTEM.equals(i.getSystem())).map(Identifier::getValue).findFirst()
				.orElseThrow();
	}

	private Instant patientWatermark(String sourcePatient) {
		return jdbc.sql("""
				select watermark from connector_patient_state
				where instance = 'ehr-scoped' and source_patient_id = ? and resource_type = 'Encounter'""")
				.param(sourcePatient).query(OffsetDateTime.class).single().toInstant();
	}

	private ConnectorState.Row row(String instance, String type) {
		return status.list().stream().filter(s -> s.id().equals(instance)).findFirst().orElseThrow().resourceTypes().stream()
				.filter(r -> r.resourceType().equals(type)).findFirst().orElseThrow();
	}

	private String hubPatientId(String system, String value, String token) throws Exception {
		JsonNode entries = search("Patient?identifier=" + enc(system + "|" + value), token).path("entry");
		assertThat(entries.size()).as(system).isEqualTo(1);
		return entries.get(0).path("resource").path("id").asText();
	}

	private String hubEncounterId(String sourceId, String token) throws Exception {
		return search("Encounter?identifier=" + enc(PREFIX + "Encounter|" + sourceId), token).path("entry").get(0)
				.path("resource").path("id").asText();
	}

	private JsonNode hubEncounters(String token) throws Exception {
		return search("Encounter?_count=500&identifier=" + enc(PREFIX + "Encounter|"), token);
	}

	private static String sourceId(JsonNode resource) {
		for (JsonNode id : resource.path("identifier")) {
			if (id.path("system").asText().equals(PREFIX + "Encounter")) {
				return id.path("value").asText();
			}
		}
		throw new AssertionError("no source id on " + resource.path("id").asText());
	}

	/** Hub Encounter ids of this test's source with their version. */
	private Map<String, String> versions(String token) throws Exception {
		Map<String, String> v = new TreeMap<>();
		for (JsonNode e : hubEncounters(token).path("entry")) {
			v.put(e.path("resource").path("id").asText(), e.path("resource").path("meta").path("versionId").asText());
		}
		return v;
	}

	private JsonNode search(String query, String token) throws Exception {
		HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(hub.fhirBase() + "/" + query)).GET()
				.header("Accept", "application/fhir+json").header("Authorization", "Bearer " + token).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(r.statusCode()).as(query).isEqualTo(200);
		return json.readTree(r.body());
	}

	private HttpResponse<String> post(String bundle, String token) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create(hub.fhirBase())).POST(HttpRequest.BodyPublishers.ofString(bundle))
				.header("Content-Type", "application/fhir+json").header("Accept", "application/fhir+json")
				.header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
	}

	private static String enc(String s) {
		return URLEncoder.encode(s, StandardCharsets.UTF_8);
	}
}
