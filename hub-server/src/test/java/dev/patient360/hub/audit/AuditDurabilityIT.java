package dev.patient360.hub.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.patient360.hub.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

/**
 * The real hub jar as a child process under concurrent load, killed with SIGKILL mid-load: every
 * request that got an answer has its audit record, either still queued or already an AuditEvent,
 * exactly once; a restarted hub drains what was queued.
 */
class AuditDurabilityIT {

	private static final Path JAR = Path.of("target/hub-server.jar");
	private static final Pattern REQUEST_ID = Pattern.compile("dur-\\d+-\\d+");
	private static final int CLIENTS = 4;
	private static final int MAX_REQUESTS = 4000;
	private static final Duration LOAD_BEFORE_KILL = Duration.ofSeconds(120);
	private static final int ANSWERED_BEFORE_KILL = 200;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void everyRequestAnsweredBeforeAKill9HasExactlyOneAuditRecord() throws Exception {
		assertThat(JAR).as("the hub jar (built in the package phase)").exists();
		TestDatabase db = TestDatabase.get("audit-kill");
		Path dataDir = Files.createTempDirectory("audit-durability");
		int port = freePort();

		Process hub = startHub(db, dataDir, port, "first");
		Set<String> answered = ConcurrentHashMap.newKeySet();
		AtomicInteger unanswered = new AtomicInteger();
		int queuedAtKill;
		try {
			awaitReady(port, hub);
			String patientId = createPatient(port);

			AtomicBoolean stop = new AtomicBoolean();
			AtomicInteger sent = new AtomicInteger();
			List<Thread> clients = new ArrayList<>();
			for (int c = 0; c < CLIENTS; c++) {
				int client = c;
				Thread t = new Thread(() -> load(port, patientId, client, stop, sent, answered, unanswered), "load-" + c);
				t.start();
				clients.add(t);
			}
			await().atMost(LOAD_BEFORE_KILL).until(() -> answered.size() >= ANSWERED_BEFORE_KILL);
			// SIGKILL: no shutdown hook, no flush, no drain; requests are still in flight.
			hub.destroyForcibly().waitFor();
			stop.set(true);
			for (Thread t : clients) {
				t.join(60_000);
			}
			queuedAtKill = count(db, "select count(*) from " + AuditQueue.TABLE);
		}
		finally {
			hub.destroyForcibly().waitFor();
		}

		Map<String, Integer> recorded = recordedRequestIds(db);
		assertThat(answered).as("requests answered before the kill").hasSizeGreaterThan(50);
		assertThat(recorded.keySet()).as("audited requests (queued or AuditEvent)").containsAll(answered);
		assertThat(recorded.values()).as("records per request").allMatch(n -> n == 1);

		Process restarted = startHub(db, dataDir, port, "restarted");
		try {
			awaitReady(port, restarted);
			await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
					.until(() -> count(db, "select count(*) from " + AuditQueue.TABLE) == 0);
			Map<String, Integer> events = auditEventRequestIds(db);
			assertThat(events.keySet()).as("AuditEvents after the restarted hub drained the queue").containsAll(answered);
			assertThat(events.values()).as("AuditEvents per request").allMatch(n -> n == 1);
			Files.writeString(Path.of("target", "audit-durability.txt"), String.format("answered=%d, unanswered (in flight at the kill)=%d, audited=%d "
					+ "(queued at the kill=%d), AuditEvents after restart=%d%n", answered.size(), unanswered.get(),
					recorded.size(), queuedAtKill, events.size()));
		}
		finally {
			restarted.destroy();
			if (!restarted.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
				restarted.destroyForcibly().waitFor();
			}
		}
	}

	private void load(int port, String patientId, int client, AtomicBoolean stop, AtomicInteger sent,
			Set<String> answered, AtomicInteger unanswered) {
		for (int n = 0; !stop.get() && sent.incrementAndGet() <= MAX_REQUESTS; n++) {
			String requestId = "dur-" + client + "-" + n;
			HttpRequest.Builder request = HttpRequest.newBuilder().timeout(Duration.ofSeconds(30))
					.header("X-Request-ID", requestId);
			String base = "http://127.0.0.1:" + port + "/fhir";
			switch (n % 4) {
				case 0 -> request.uri(URI.create(base + "/Patient/" + patientId)).GET();
				case 1 -> request.uri(URI.create(base + "/Observation?subject=Patient/" + patientId)).GET();
				case 2 -> request.uri(URI.create(base + "/Observation")).header("Content-Type", "application/fhir+json")
						.POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Observation\",\"status\":\"final\","
								+ "\"code\":{\"text\":\"load\"},\"subject\":{\"reference\":\"Patient/" + patientId + "\"}}"));
				default -> request.uri(URI.create(base + "/Patient/missing-" + n)).GET();
			}
			try {
				HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
				if (response.statusCode() == 503) {
					unanswered.incrementAndGet();
				}
				else {
					answered.add(requestId);
				}
			}
			catch (IOException e) {
				// the hub was killed: this request got no answer
				unanswered.incrementAndGet();
				return;
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	private Process startHub(TestDatabase db, Path dataDir, int port, String name) throws IOException {
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");
		ProcessBuilder builder = new ProcessBuilder(java.toString(), "-Xmx1g", "-XX:+UseParallelGC", "-jar",
				JAR.toString())
				.redirectErrorStream(true)
				.redirectOutput(Path.of("target", "audit-durability-hub-" + name + ".log").toFile());
		Map<String, String> env = builder.environment();
		env.put("HUB_DB_URL", db.jdbcUrl());
		env.put("HUB_DB_USER", db.user());
		env.put("HUB_PORT", Integer.toString(port));
		env.put("HUB_DATA_DIR", dataDir.toString());
		env.put("HUB_SECURITY", "disabled");
		env.put("HUB_ENGAGEMENT_TRACKING_SECRET", "audit-durability-test-tracking-secret");
		// Small batches: the kill finds some records drained and others still queued.
		env.put("HUB_AUDIT_BATCH_SIZE", "10");
		return builder.start();
	}

	private void awaitReady(int port, Process hub) {
		await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofSeconds(1)).until(() -> {
			assertThat(hub.isAlive()).as("hub process alive (see target/audit-durability-hub-*.log)").isTrue();
			try {
				return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/fhir/metadata"))
						.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
			}
			catch (IOException e) {
				return false;
			}
		});
	}

	private String createPatient(int port) throws IOException, InterruptedException {
		HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/fhir/Patient"))
				.header("Content-Type", "application/fhir+json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Patient\",\"active\":true}")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(created.statusCode()).isEqualTo(201);
		return created.headers().firstValue("Location").orElseThrow().replaceAll(".*/Patient/([^/]+)/.*", "$1");
	}

	/** Request ids in the queue and in stored AuditEvents, with how often each occurs. */
	private static Map<String, Integer> recordedRequestIds(TestDatabase db) throws SQLException {
		Map<String, Integer> ids = auditEventRequestIds(db);
		countIds(db, "select payload from " + AuditQueue.TABLE, ids);
		return ids;
	}

	private static Map<String, Integer> auditEventRequestIds(TestDatabase db) throws SQLException {
		Map<String, Integer> ids = new HashMap<>();
		countIds(db, "select v.res_text_vc from hfj_res_ver v where v.res_type = 'AuditEvent'", ids);
		return ids;
	}

	private static void countIds(TestDatabase db, String sql, Map<String, Integer> ids) throws SQLException {
		try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), null); Statement st = c.createStatement();
				ResultSet rs = st.executeQuery(sql)) {
			while (rs.next()) {
				String text = rs.getString(1);
				Matcher m = REQUEST_ID.matcher(text == null ? "" : text);
				if (m.find()) {
					ids.merge(m.group(), 1, Integer::sum);
				}
			}
		}
	}

	private static int count(TestDatabase db, String sql) throws SQLException {
		try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), null); Statement st = c.createStatement();
				ResultSet rs = st.executeQuery(sql)) {
			rs.next();
			return rs.getInt(1);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}
}
