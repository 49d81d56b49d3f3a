package dev.patient360.routes.kit;

import java.io.IOException;
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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patient360.routes.simulator.BulkExportSimulator;
import dev.patient360.routes.simulator.EhrSimulator;
import dev.patient360.routes.simulator.Keys;
import dev.patient360.routes.testsupport.HubProcess;
import dev.patient360.routes.testsupport.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Crash safety of the pull connectors: the packaged routes app ({@code target/camel-routes.jar}) is
 * killed with SIGKILL while a fhir-r4 pull is between pages and while a fhir-bulk export is inside
 * an NDJSON file, then started again. The hub must end up with every source record exactly once, at
 * version 1 (re-read pages and batches change nothing), and the bulk job must be resumed, not
 * exported again.
 */
class PullConnectorCrashIT {

	private static final String RUN = Long.toString(System.nanoTime(), 36);
	private static HubProcess hub;
	private static Path pem;
	private static KeyPair keys;
	private static Process routes;

	private final HttpClient http = HttpClient.newHttpClient();
	private final ObjectMapper json = new ObjectMapper();

	@BeforeAll
	static void start() throws Exception {
		hub = HubProcess.shared();
		keys = Keys.generate();
		pem = Keys.writePrivateKey(keys, Path.of("target"));
	}

	@AfterAll
	static void stop() {
		if (routes != null) {
			routes.destroyForcibly();
		}
	}

	@Test
	void aFhirR4PullKilledBetweenPagesResumesAtTheWatermarkWithoutGapsOrDuplicates() throws Exception {
		String source = "crash-ehr-" + RUN;
		try (EhrSimulator ehr = EhrSimulator.start(0, EhrSimulator.SYNTHEA_BUNDLES, 6, "p360-crash", (RSAPublicKey) keys.getPublic(),
				Duration.ofSeconds(60))) {
			int encounters = ehr.all("Encounter").size();
			assertThat(encounters).isGreaterThan(100);
			String yaml = yaml(source, "fhir-r4", ehr.baseUrl(), ehr.tokenUrl(), "page-size", "10");
			Instance app = new Instance(source, yaml);

			routes = app.start();
			await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
					.until(() -> count(source, "Encounter") >= 20);
			routes.destroyForcibly().waitFor();
			long atKill = count(source, "Encounter");
			assertThat(atKill).as("killed mid-pull").isLessThan(encounters);

			routes = app.start();
			await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500))
					.until(() -> count(source, "Encounter") == encounters);
			assertThat(count(source, "Patient")).isEqualTo(ehr.all("Patient").size());
			assertThat(versions(source, "Encounter")).hasSize(encounters).allSatisfy((id, v) -> assertThat(v).as(id).isEqualTo("1"));
			// The restarted pull did not start from scratch: it asked for _lastUpdated after the watermark.
			assertThat(ehr.wireMock().getAllServeEvents().stream().map(e -> e.getRequest().getUrl())
					.filter(u -> u.startsWith("/fhir/Encounter?") && u.contains("_lastUpdated=gt"))).isNotEmpty();
			routes.destroy();
			routes.waitFor();
		}
	}

	@Test
	void aBulkExportKilledInsideAFileResumesTheSameJobWithoutGapsOrDuplicates() throws Exception {
		String source = "crash-bulk-" + RUN;
		try (BulkExportSimulator bulk = BulkExportSimulator.start(0, BulkExportSimulator.SYNTHEA_BULK.resolve("10-patients"),
				List.of("Patient", "Encounter"), "p360-crash", (RSAPublicKey) keys.getPublic(), Duration.ofSeconds(60))
				.linesPerFile(500).progressPolls(1, 1)) {
			int encounters = bulk.count("Encounter");
			String yaml = yaml(source, "fhir-bulk", bulk.baseUrl(), bulk.tokenUrl(), "batch-size", "50");
			Instance app = new Instance(source, yaml);

			routes = app.start();
			// Inside the first Encounter file (500 lines, batches of 50).
			await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
					.until(() -> count(source, "Encounter") >= 100);
			routes.destroyForcibly().waitFor();
			assertThat(count(source, "Encounter")).as("killed inside the first file").isLessThan(500);

			routes = app.start();
			await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500))
					.until(() -> bulk.deletedJobs.size() == 1);
			assertThat(bulk.kickOffs.get()).as("the job was resumed, not exported again").isEqualTo(1);
			assertThat(count(source, "Encounter")).isEqualTo(encounters);
			assertThat(count(source, "Patient")).isEqualTo(bulk.count("Patient"));
			assertThat(versions(source, "Encounter")).hasSize(encounters).allSatisfy((id, v) -> assertThat(v).as(id).isEqualTo("1"));
			Map<String, Long> reads = bulk.wireMock().getAllServeEvents().stream()
					.filter(e -> e.getRequest().getUrl().startsWith("/files/") && e.getResponse().getStatus() == 200)
					.collect(Collectors.groupingBy(e -> e.getRequest().getUrl().replaceAll(".*/", ""), TreeMap::new, Collectors.counting()));
			// The file being read at the kill is read again; files completed before it are not.
			assertThat(reads).containsEntry("Patient.0.ndjson", 1L).containsEntry("Encounter.0.ndjson", 2L)
					.containsEntry("Encounter.1.ndjson", 1L).containsEntry("Encounter.2.ndjson", 1L);
			routes.destroy();
			routes.waitFor();
		}
	}

	/** One routes app configuration (its own database) that can be started again after a kill. */
	private static final class Instance {
		private final Map<String, String> env;

		Instance(String id, String yaml) throws IOException {
			Path config = Path.of("target/crash-it-" + id + ".yaml").toAbsolutePath();
			Files.writeString(config, yaml);
			TestDatabases.Db db = TestDatabases.fresh("routespullcrash");
			env = new TreeMap<>(Map.of("ROUTES_HUB_URL", hub.fhirBase(), "ROUTES_CONNECTORS_FILE", config.toString(),
					"ROUTES_MLLP_ENABLED", "false", "ROUTES_HEARTBEAT_PERIOD", "1h",
					"ROUTES_DATA_DIR", Path.of("target/crash-it-" + id).toAbsolutePath().toString()));
			if (db.url() != null) {
				env.put("ROUTES_DB_URL", db.url());
				env.put("ROUTES_DB_USER", db.user());
			}
		}

		Process start() throws IOException {
			Path jar = Path.of("target/camel-routes.jar");
			assertThat(jar).as("packaged before integration-test").exists();
			ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
					"-Xmx512m", "-jar", jar.toString())
					.redirectErrorStream(true)
					.redirectOutput(ProcessBuilder.Redirect.appendTo(Path.of("target/crash-it-pull-routes.log").toFile()));
			pb.environment().putAll(env);
			pb.environment().put("ROUTES_PORT", String.valueOf(HubProcess.freePort()));
			return pb.start();
		}
	}

	private static String yaml(String id, String type, String base, String tokenUrl, String option, String value) {
		return """
				routes:
				  connectors:
				    instances:
				      - id: %s
				        type: %s
				        base-url: %s
				        source-system: %s
				        schedule: 1h
				        resource-types: [Patient, Encounter]
				        auth: {token-url: %s, client-id: p360-crash, private-key: %s}
				        options: {%s: "%s"}
				""".formatted(id, type, base, id, tokenUrl, pem.toAbsolutePath(), option, value);
	}

	private long count(String source, String type) throws Exception {
		HttpResponse<String> r = get(hub.fhirBase() + "/" + type + "?_summary=count&identifier=" + enc(system(source, type) + "|"));
		return json.readTree(r.body()).path("total").asLong();
	}

	private Map<String, String> versions(String source, String type) throws Exception {
		Map<String, String> v = new TreeMap<>();
		String url = hub.fhirBase() + "/" + type + "?_count=500&_elements=meta&identifier=" + enc(system(source, type) + "|");
		while (url != null) {
			JsonNode page = json.readTree(get(url).body());
			for (JsonNode e : page.path("entry")) {
				v.put(e.path("resource").path("id").asText(), e.path("resource").path("meta").path("versionId").asText());
			}
			url = null;
			for (JsonNode l : page.path("link")) {
				if (l.path("relation").asText().equals("next")) {
					url = l.path("url").asText();
				}
			}
		}
		return v;
	}

	private static String system(String source, String type) {
		return "https://fhir.patient360.dev/source/" + source + "/" + type;
	}

	private HttpResponse<String> get(String url) throws Exception {
		HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/fhir+json").GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(r.statusCode()).as(url).isEqualTo(200);
		return r;
	}

	private static String enc(String s) {
		return URLEncoder.encode(s, StandardCharsets.UTF_8);
	}
}
