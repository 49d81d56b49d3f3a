package dev.patient360.routes.fhirbulk;

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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.patient360.routes.deadletter.DeadLetters;
import dev.patient360.routes.kit.ConnectorMetrics;
import dev.patient360.routes.kit.ConnectorStatusController;
import dev.patient360.routes.simulator.BulkExportSimulator;
import dev.patient360.routes.simulator.Keys;
import dev.patient360.routes.testsupport.HubProcess;
import dev.patient360.routes.testsupport.TestDatabases;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fhir-bulk connector end to end over real HTTP: the WireMock bulk export simulator (Synthea
 * 10-patient NDJSON, SMART backend-services tokens, progress polls, a 503 burst and a 429 on file
 * downloads) → connector → the shared real hub on PostgreSQL. A second instance registered with the
 * wrong key shows the error state; a third reads a source of its own whose tokens live 2 s and which
 * ends them mid-run. The tests run in order: each starts from the state the previous left; the last
 * reads what they all did from the Prometheus metrics.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
// Metrics export as in production: Spring Boot's tests otherwise have no Prometheus registry.
@AutoConfigureObservability(tracing = false)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FhirBulkConnectorIT {

	private static final String SOURCE = "bulk-ehr";
	private static final String ID_SYSTEM = "https://fhir.patient360.dev/source/" + SOURCE + "/";
	private static HubProcess hub;
	private static BulkExportSimulator bulk;
	private static final String SHORT_TOKEN_SOURCE = "bulk-ehr-short-token";
	private static final String SHORT_TOKEN_ID_SYSTEM = "https://fhir.patient360.dev/source/" + SHORT_TOKEN_SOURCE + "/";
	/** A second source whose tokens live 2 s, so the connector's cache must renew them during a run. */
	private static BulkExportSimulator shortTokens;

	@Autowired
	FhirBulkPuller puller;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	ConnectorStatusController status;

	@Autowired
	ObjectMapper appJson;

	@Autowired
	DeadLetters deadLetters;

	@Autowired
	ConnectorMetrics metrics;

	@Autowired
	PrometheusMeterRegistry prometheus;

	private final HttpClient http = HttpClient.newHttpClient();
	private final ObjectMapper json = new ObjectMapper();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) throws Exception {
		KeyPair keys = Keys.generate();
		Path pem = Keys.writePrivateKey(keys, Path.of("target"));
		Path wrongPem = Keys.writePrivateKey(Keys.generate(), Path.of("target"));
		bulk = BulkExportSimulator.start(0, BulkExportSimulator.SYNTHEA_BULK.resolve("10-patients"), List.of("Patient", "Encounter"),
				"p360-bulk", (RSAPublicKey) keys.getPublic(), Duration.ofSeconds(60))
				.linesPerFile(500).progressPolls(2, 1);
		// The first file downloads of the first run: a 503 burst, then a 429 asking for 2 s.
		bulk.faults.unavailable(3).throttleNext(1, 2);
		// 120 Patients in 3 files; the second file request meets a token the source has ended.
		shortTokens = BulkExportSimulator.start(0, BulkExportSimulator.SYNTHEA_BULK.resolve("100-patients"), List.of("Patient"),
				"p360-bulk", (RSAPublicKey) keys.getPublic(), Duration.ofSeconds(2))
				.linesPerFile(40).progressPolls(2, 1).expireTokensAtFileRequest(2);

		hub = HubProcess.shared();
		registry.add("routes.hub-url", hub::fhirBase);
		registry.add("routes.hl7v2.enabled", () -> "false");
		registry.add("routes.hl7v2.port", HubProcess::freePort);
		registry.add("routes.heartbeat-period", () -> "1h");
		instance(registry, 0, "sim-bulk", bulk, SOURCE, List.of("Patient", "Encounter"), pem, "1h");
		instance(registry, 1, "sim-bulk-wrong-key", bulk, SOURCE, List.of("Patient", "Encounter"), wrongPem, "1s");
		instance(registry, 2, "sim-bulk-short-token", shortTokens, SHORT_TOKEN_SOURCE, List.of("Patient"), pem, "1h");
		registry.add("routes.connectors.instances[1].options.max-backoff", () -> "4s");
		TestDatabases.registerRoutesDb(registry, "routes_bulk");
	}

	private static void instance(DynamicPropertyRegistry registry, int n, String id, BulkExportSimulator source, String sourceSystem,
			List<String> types, Path key, String schedule) {
		String i = "routes.connectors.instances[" + n + "].";
		registry.add(i + "id", () -> id);
		registry.add(i + "type", () -> "fhir-bulk");
		registry.add(i + "base-url", source::baseUrl);
		registry.add(i + "source-system", () -> sourceSystem);
		registry.add(i + "schedule", () -> schedule);
		for (int t = 0; t < types.size(); t++) {
			String type = types.get(t);
			registry.add(i + "resource-types[" + t + "]", () -> type);
		}
		registry.add(i + "options.batch-size", () -> "100");
		registry.add(i + "options.max-attempts", () -> "8");
		registry.add(i + "auth.token-url", source::tokenUrl);
		registry.add(i + "auth.client-id", () -> "p360-bulk");
		registry.add(i + "auth.private-key", key::toString);
	}

	@AfterAll
	static void stop() {
		if (bulk != null) {
			bulk.close();
		}
		if (shortTokens != null) {
			shortTokens.close();
		}
	}

	@Test
	@Order(1)
	void theScheduledExportBringsEveryResourceOnceHonouringRetryAfterAndRidingOutA503Burst() throws Exception {
		await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500)).until(() -> succeeded("sim-bulk"));

		assertThat(count("Patient")).isEqualTo(bulk.count("Patient"));
		assertThat(count("Encounter")).isEqualTo(bulk.count("Encounter"));
		assertThat(bulk.count("Encounter")).isEqualTo(1215);
		assertThat(bulk.kickOffs.get()).isEqualTo(1);
		assertThat(bulk.deletedJobs).hasSize(1);
		assertThat(bulk.faults.unavailable.get()).isEqualTo(3);
		assertThat(bulk.faults.throttled.get()).isEqualTo(1);
		// Every file (1 Patient, 3 Encounter) was read with success exactly once.
		assertThat(bulk.filesServed()).isEqualTo(4);

		List<ServeEvent> events = journal();
		ServeEvent throttled = events.stream().filter(e -> e.getResponse().getStatus() == 429).findFirst().orElseThrow();
		ServeEvent retry = events.stream().filter(e -> e.getRequest().getUrl().equals(throttled.getRequest().getUrl())
				&& e.getRequest().getLoggedDate().after(throttled.getRequest().getLoggedDate())).findFirst().orElseThrow();
		assertThat(retry.getRequest().getLoggedDate().getTime() - throttled.getRequest().getLoggedDate().getTime())
				.as("Retry-After: 2 honoured").isGreaterThanOrEqualTo(2000);
		List<Long> polls = events.stream().filter(e -> e.getRequest().getUrl().startsWith("/jobs/")
				&& e.getRequest().getMethod().getName().equals("GET")).map(e -> e.getRequest().getLoggedDate().getTime()).toList();
		assertThat(polls).hasSize(3);
		for (int k = 1; k < polls.size(); k++) {
			assertThat(polls.get(k) - polls.get(k - 1)).as("status polls honour Retry-After: 1").isGreaterThanOrEqualTo(1000);
		}

		JsonNode status = connector("sim-bulk");
		assertThat(status.path("progress").isNull()).isTrue();
		for (JsonNode row : status.path("resourceTypes")) {
			assertThat(row.path("state").asText()).isEqualTo("OK");
			assertThat(row.path("watermark").isNull()).isFalse();
		}
	}

	@Test
	@Order(2)
	void aSecondRunExportsSinceTheWatermarkAndWritesNothing() throws Exception {
		Map<String, String> before = versions();
		long filesBefore = bulk.filesServed();

		puller.pull("sim-bulk");

		assertThat(bulk.kickOffs.get()).isEqualTo(2);
		assertThat(lastKickOff()).contains("_since=");
		assertThat(bulk.filesServed()).isEqualTo(filesBefore);
		assertThat(versions()).isEqualTo(before);
	}

	@Test
	@Order(3)
	void aRunThatFailsMidExportResumesFromTheFirstUnfinishedFileWithoutGapsOrDuplicates() throws Exception {
		Map<String, String> before = versions();
		List<String> changed = bulk.ids("Encounter").subList(0, 450);
		for (String id : changed) {
			bulk.change("Encounter", id, r -> r.put("status", "entered-in-error"));
		}
		bulk.linesPerFile(200);
		// Patient file (none changed: no file), Encounter files 0..2: the second download and its retries fail.
		long filesBefore = bulk.filesServed();
		int kickOffsBefore = bulk.kickOffs.get();
		failFileDownloadsAfter(1);

		puller.pull("sim-bulk");

		JsonNode failed = connector("sim-bulk");
		assertThat(failed.path("resourceTypes").get(0).path("state").asText()).isEqualTo("ERROR");
		assertThat(failed.path("resourceTypes").get(0).path("lastError").asText()).startsWith("HUB-5003");
		assertThat(failed.path("progress").path("filesDone").asInt()).isEqualTo(1);
		assertThat(failed.path("progress").path("filesTotal").asInt()).isEqualTo(3);
		assertThat(bulk.filesServed() - filesBefore).isEqualTo(1);
		// The source is back: what is left of the 503 burst must not fail the resumed run (nor the next test's).
		bulk.faults.clear();

		puller.pull("sim-bulk");

		assertThat(bulk.kickOffs.get()).as("resumed, not exported again").isEqualTo(kickOffsBefore + 1);
		assertThat(bulk.filesServed() - filesBefore).as("each file read once").isEqualTo(3);
		Map<String, String> after = versions();
		assertThat(after.keySet()).isEqualTo(before.keySet());
		Map<String, String> changedInHub = sourceIdsToHubKeys("Encounter", changed);
		for (Map.Entry<String, String> e : before.entrySet()) {
			int expected = Integer.parseInt(e.getValue()) + (changedInHub.containsValue(e.getKey()) ? 1 : 0);
			if (e.getKey().startsWith("Encounter/")) {
				assertThat(after.get(e.getKey())).as(e.getKey()).isEqualTo(String.valueOf(expected));
			}
		}
		assertThat(connector("sim-bulk").path("progress").isNull()).isTrue();
	}

	@Test
	@Order(4)
	void aRecordDeletedAtTheSourceIsDeletedInTheHub() throws Exception {
		String gone = bulk.ids("Encounter").get(500);
		assertThat(count("Encounter", gone)).isEqualTo(1);
		bulk.delete("Encounter", gone);

		puller.pull("sim-bulk");

		assertThat(count("Encounter", gone)).isZero();
		assertThat(count("Encounter")).isEqualTo(bulk.count("Encounter"));
	}

	@Test
	@Order(5)
	void aFileTheSourceRefusesForGoodIsADeadLetterTheRestLoadsAndTheNextExportBringsItsChanges() throws Exception {
		List<String> patients = bulk.ids("Patient").subList(0, 2);
		List<String> encounters = bulk.ids("Encounter").subList(600, 602);
		for (String id : patients) {
			bulk.change("Patient", id, r -> r.withArray("telecom").addObject().put("system", "phone").put("value", "555-0199"));
		}
		for (String id : encounters) {
			bulk.change("Encounter", id, r -> r.put("status", "cancelled"));
		}
		long lettersBefore = deadLetters.open("sim-bulk");
		int kickOffsBefore = bulk.kickOffs.get();
		int jobsDeletedBefore = bulk.deletedJobs.size();
		// The export's first file download, the Patient file, is gone at the source.
		bulk.faults.refuseNext(1, 410);

		puller.pull("sim-bulk");

		assertThat(bulk.faults.refused.get()).isEqualTo(1);
		assertThat(deadLetters.open("sim-bulk")).isEqualTo(lettersBefore + 1);
		Map<String, Object> letter = jdbc.sql("""
				select correlation_id, source_ref, error_code, error from dead_letter
				where connector = 'sim-bulk' and status = 'OPEN' order by id desc limit 1""").query().singleRow();
		assertThat(letter.get("correlation_id")).isEqualTo("Patient file");
		assertThat(letter.get("error_code")).isEqualTo("HUB-5019");
		assertThat((String) letter.get("error")).isEqualTo("HUB-5019 the source refused an export file with HTTP 410");
		assertThat((String) letter.get("source_ref")).startsWith(bulk.baseUrl().replace("/fhir", "/files/")).contains("/Patient.");
		for (String id : encounters) {
			assertThat(resource("Encounter", id).path("status").asText()).as("the other files loaded").isEqualTo("cancelled");
		}
		for (String id : patients) {
			assertThat(resource("Patient", id).path("telecom").toString()).doesNotContain("555-0199");
		}
		assertThat(bulk.deletedJobs).as("the export itself finished").hasSize(jobsDeletedBefore + 1);
		JsonNode status = connector("sim-bulk");
		assertThat(status.path("progress").isNull()).isTrue();
		Map<String, JsonNode> rows = new TreeMap<>();
		status.path("resourceTypes").forEach(r -> rows.put(r.path("resourceType").asText(), r));
		assertThat(rows.get("Patient").path("state").asText()).isEqualTo("ERROR");
		assertThat(rows.get("Patient").path("lastError").asText()).startsWith("HUB-5019");
		assertThat(rows.get("Encounter").path("state").asText()).isEqualTo("OK");

		puller.pull("sim-bulk");

		assertThat(bulk.kickOffs.get()).isEqualTo(kickOffsBefore + 2);
		for (String id : patients) {
			assertThat(resource("Patient", id).path("telecom").toString()).as("the Patient watermark stayed").contains("555-0199");
		}
		assertThat(deadLetters.open("sim-bulk")).isEqualTo(lettersBefore + 1);
		status = connector("sim-bulk");
		for (JsonNode row : status.path("resourceTypes")) {
			assertThat(row.path("state").asText()).as(row.path("resourceType").asText()).isEqualTo("OK");
		}
	}

	@Test
	@Order(6)
	void anInstanceWithAKeyTheSourceDoesNotKnowShowsAnErrorAndBacksOff() throws Exception {
		await().atMost(Duration.ofMinutes(1)).until(() -> {
			JsonNode row = connector("sim-bulk-wrong-key").path("resourceTypes").path(0);
			return row.path("state").asText().equals("ERROR") && row.path("consecutiveFailures").asInt() >= 3;
		});
		JsonNode row = connector("sim-bulk-wrong-key").path("resourceTypes").path(0);
		assertThat(row.path("lastError").asText()).startsWith("HUB-5002");
		assertThat(row.path("pausedUntil").isNull()).isFalse();
		int rejected = bulk.tokens.rejected.get();
		// Schedule 1 s, backoff doubling to at most 4 s: over 6 s at most 2 more attempts, not 6.
		await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(8))
				.until(() -> bulk.tokens.rejected.get() - rejected <= 2);
	}

	@Test
	@Order(7)
	void tokensThatExpireDuringARunAreRenewedBeforeExpiryAndAfterA401AndTheRunBringsEveryResource() throws Exception {
		await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500))
				.until(() -> succeeded("sim-bulk-short-token", 1));

		assertThat(countIn(SHORT_TOKEN_ID_SYSTEM, "Patient")).isEqualTo(shortTokens.count("Patient")).isEqualTo(120);
		List<ServeEvent> events = journal(shortTokens);
		List<ServeEvent> tokenRequests = events.stream().filter(e -> e.getRequest().getUrl().equals("/token")).toList();
		List<ServeEvent> dataRequests = events.stream().filter(e -> !e.getRequest().getUrl().equals("/token")).toList();
		assertThat(tokenRequests).allSatisfy(e -> assertThat(e.getResponse().getStatus()).isEqualTo(200));
		List<ServeEvent> refused = dataRequests.stream().filter(e -> e.getResponse().getStatus() == 401).toList();
		assertThat(refused).as("only the request whose token the source ended").hasSize(1);
		ServeEvent expired = refused.get(0);
		ServeEvent repeated = dataRequests.stream().filter(e -> e.getRequest().getUrl().equals(expired.getRequest().getUrl())
				&& e.getRequest().getLoggedDate().after(expired.getRequest().getLoggedDate())).findFirst().orElseThrow();
		assertThat(repeated.getResponse().getStatus()).as("repeated with a new token").isEqualTo(200);
		assertThat(tokenRequests).as("a token fetched between the 401 and the repeat").anySatisfy(t -> assertThat(
				t.getRequest().getLoggedDate()).isAfterOrEqualTo(expired.getRequest().getLoggedDate())
				.isBeforeOrEqualTo(repeated.getRequest().getLoggedDate()));
		// Status polls 1 s apart with 2 s tokens: renewed ahead of expiry as well, not only after the 401.
		assertThat(tokenRequests).hasSizeGreaterThanOrEqualTo(3);
		assertThat(tokenRequests.size()).as("cached between requests, not fetched for each").isLessThan(dataRequests.size());
		assertThat(shortTokens.filesServed()).isEqualTo(3);
		assertThat(deadLetters.open("sim-bulk-short-token")).isZero();
		JsonNode status = connector("sim-bulk-short-token");
		assertThat(status.path("progress").isNull()).isTrue();
		JsonNode row = status.path("resourceTypes").get(0);
		assertThat(row.path("state").asText()).isEqualTo("OK");
		assertThat(row.path("lastError").isNull()).isTrue();
	}

	@Test
	@Order(8)
	void prometheusShowsWhatEachInstanceReadWroteAndDeadLetteredItsLagLastSuccessAndFailuresInARow() throws Exception {
		metrics.refresh();
		String scrape = prometheus.scrape();

		JsonNode encounters = row("sim-bulk", "Encounter");
		String enc = "instance=\"sim-bulk\",resource_type=\"Encounter\"";
		assertThat(value(scrape, "connector_records_written_total", enc)).isEqualTo(encounters.path("resources").asDouble())
				.isGreaterThanOrEqualTo(1215);
		// Every Encounter line read was written (none was dead-lettered) and the first export read them all.
		assertThat(value(scrape, "connector_records_read_total", enc)).isEqualTo(value(scrape, "connector_records_written_total", enc));
		String pat = "instance=\"sim-bulk\",resource_type=\"Patient\"";
		// The refused Patient file was never read: it counts neither as read nor as written.
		assertThat(value(scrape, "connector_records_read_total", pat)).isEqualTo(value(scrape, "connector_records_written_total", pat));
		assertThat(value(scrape, "connector_records_failed_total", "instance=\"sim-bulk\"")).isEqualTo(deadLetters.open("sim-bulk"))
				.isEqualTo(1);
		// Every change up to the last export's transactionTime is in the hub: that is the watermark too.
		assertThat(encounters.path("syncedUntil").asText()).isNotEmpty();
		assertThat(java.time.OffsetDateTime.parse(encounters.path("syncedUntil").asText()).toInstant())
				.isEqualTo(java.time.OffsetDateTime.parse(encounters.path("watermark").asText()).toInstant());
		double sinceSynced = Duration.between(java.time.OffsetDateTime.parse(encounters.path("syncedUntil").asText()).toInstant(),
				java.time.Instant.now()).toMillis() / 1000.0;
		assertThat(value(scrape, "connector_lag_seconds", enc)).isBetween(0.0, sinceSynced + 0.01);
		double lastSuccess = java.time.OffsetDateTime.parse(encounters.path("lastSuccessAt").asText()).toInstant().toEpochMilli() / 1000.0;
		assertThat(value(scrape, "connector_last_success_timestamp_seconds", enc)).isCloseTo(lastSuccess, org.assertj.core.data.Offset.offset(0.01));
		assertThat(value(scrape, "connector_consecutive_failures", enc)).isZero();
		String wrongKey = "instance=\"sim-bulk-wrong-key\",resource_type=\"Patient\"";
		assertThat(value(scrape, "connector_consecutive_failures", wrongKey)).isGreaterThanOrEqualTo(3);
		assertThat(scrape).contains("connector_last_success_timestamp_seconds{" + wrongKey + "} NaN");
	}

	/** A sample's value from Prometheus text, by metric name and exact label set. */
	private static double value(String scrape, String name, String labels) {
		String prefix = name + "{" + labels + "} ";
		return scrape.lines().filter(l -> l.startsWith(prefix)).map(l -> Double.parseDouble(l.substring(prefix.length()).trim()))
				.findFirst().orElseThrow(() -> new AssertionError("no " + prefix + " in\n" + scrape.lines()
						.filter(l -> l.startsWith("connector_")).collect(java.util.stream.Collectors.joining("\n"))));
	}

	private JsonNode row(String instance, String type) throws Exception {
		for (JsonNode r : connector(instance).path("resourceTypes")) {
			if (r.path("resourceType").asText().equals(type)) {
				return r;
			}
		}
		throw new AssertionError("no " + type + " row of " + instance);
	}

	private void failFileDownloadsAfter(int ok) {
		bulk.faults.unavailableAfter(ok, 100);
	}

	private String lastKickOff() {
		return journal().stream().filter(e -> e.getRequest().getUrl().contains("$export")).reduce((a, b) -> b).orElseThrow()
				.getRequest().getUrl();
	}

	/** The journal in request order. */
	private List<ServeEvent> journal() {
		return journal(bulk);
	}

	private static List<ServeEvent> journal(BulkExportSimulator source) {
		return source.wireMock().getAllServeEvents().stream()
				.sorted((a, b) -> a.getRequest().getLoggedDate().compareTo(b.getRequest().getLoggedDate())).toList();
	}

	/**
	 * Whether a run of the instance succeeded for its Patients and Encounters.
	 */
	private boolean succeeded(String instance) {
		return succeeded(instance, 2);
	}

	/**
	 * Whether a run succeeded for all {@code types} of the instance. Read as a count: JdbcClient maps a
	 * column to {@code Object.class} with a bean row mapper, whose answer is never null, so "a last
	 * success that is not null" held before the first run had written anything.
	 */
	private boolean succeeded(String instance, int types) {
		return jdbc.sql("select count(*) from connector_state where instance = ? and last_success_at is not null")
				.param(instance).query(Long.class).single() == types;
	}

	private long count(String type) throws Exception {
		return countIn(ID_SYSTEM, type);
	}

	private long countIn(String idSystemPrefix, String type) throws Exception {
		return search(type + "?_summary=count&identifier=" + enc(idSystemPrefix + type + "|")).path("total").asLong();
	}

	/** The hub's copy of one source record. */
	private JsonNode resource(String type, String sourceId) throws Exception {
		JsonNode entries = search(type + "?identifier=" + enc(ID_SYSTEM + type + "|" + sourceId)).path("entry");
		assertThat(entries).as(type + " " + sourceId).hasSize(1);
		return entries.get(0).path("resource");
	}

	private long count(String type, String sourceId) throws Exception {
		return search(type + "?_summary=count&identifier=" + enc(ID_SYSTEM + type + "|" + sourceId)).path("total").asLong();
	}

	/** Hub {@code Type/id} → version of every record of this source. */
	private Map<String, String> versions() throws Exception {
		Map<String, String> v = new TreeMap<>();
		for (String type : List.of("Patient", "Encounter")) {
			String url = type + "?_count=500&_elements=meta&identifier=" + enc(ID_SYSTEM + type + "|");
			JsonNode page = search(url);
			while (true) {
				for (JsonNode e : page.path("entry")) {
					v.put(type + "/" + e.path("resource").path("id").asText(), e.path("resource").path("meta").path("versionId").asText());
				}
				String next = null;
				for (JsonNode l : page.path("link")) {
					if (l.path("relation").asText().equals("next")) {
						next = l.path("url").asText();
					}
				}
				if (next == null) {
					break;
				}
				page = json.readTree(get(next, null).body());
			}
		}
		return v;
	}

	private Map<String, String> sourceIdsToHubKeys(String type, List<String> sourceIds) throws Exception {
		Map<String, String> m = new TreeMap<>();
		for (String id : sourceIds) {
			JsonNode r = search(type + "?_elements=id&identifier=" + enc(ID_SYSTEM + type + "|" + id)).path("entry").get(0).path("resource");
			m.put(id, type + "/" + r.path("id").asText());
		}
		return m;
	}

	/**
	 * The instance as {@code GET /api/connectors} renders it (the app's own ObjectMapper); the API's
	 * security is FhirR4ConnectorIT's concern, so this test needs no Keycloak.
	 */
	private JsonNode connector(String id) throws Exception {
		String body = appJson.writeValueAsString(status.list());
		for (JsonNode c : json.readTree(body)) {
			if (c.path("id").asText().equals(id)) {
				return c;
			}
		}
		throw new AssertionError("no connector " + id + " in " + body);
	}

	private JsonNode search(String query) throws Exception {
		HttpResponse<String> r = get(hub.fhirBase() + "/" + query, null);
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
