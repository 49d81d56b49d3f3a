package dev.patient360.routes.hl7v2;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import ca.uhn.fhir.context.FhirContext;
import dev.patient360.profiles.Canonicals;
import dev.patient360.routes.testsupport.HubProcess;
import dev.patient360.routes.testsupport.MllpClient;
import dev.patient360.routes.testsupport.TestDatabases;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Crash safety: the packaged connector ({@code target/camel-routes.jar}) is killed with SIGKILL in
 * the middle of a stream, restarted, and the sender resends from its first unacknowledged message.
 * The hub must end up as if each message had been applied exactly once, in order per patient.
 */
class Hl7v2CrashIT {

	private static final int PATIENTS = 12;
	private static final int MESSAGES = 120;
	private static final String RUN = Long.toString(System.nanoTime(), 36).toUpperCase();
	/**
	 * The connector's Provenances only (one per message, by its source tag): the patient index
	 * writes Provenances of its own after a Patient's transaction, so the hub's total Provenance
	 * count runs ahead of the messages applied.
	 */
	private static final String CONNECTOR_PROVENANCES = "Provenance?_tag="
			+ URLEncoder.encode(Canonicals.CS_SOURCE_SYSTEM + "|demo-ehr", StandardCharsets.UTF_8) + "&_summary=count";

	private static HubProcess hub;
	private static TestDatabases.Db db;
	private static Path dataDir;
	private static int mllpPort;
	private static Process routes;

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void start() throws Exception {
		hub = HubProcess.start();
		db = TestDatabases.fresh("routescrash");
		dataDir = Path.of("target/crash-it-" + RUN).toAbsolutePath();
		mllpPort = HubProcess.freePort();
		routes = startRoutes();
	}

	@AfterAll
	static void stop() {
		if (routes != null) {
			routes.destroy();
		}
		if (hub != null) {
			hub.close();
		}
	}

	private static Process startRoutes() throws IOException {
		Path jar = Path.of("target/camel-routes.jar");
		assertThat(jar).as("packaged before integration-test").exists();
		ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx512m", "-jar", jar.toString())
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(Path.of("target/crash-it-routes.log").toFile()));
		Map<String, String> env = pb.environment();
		env.put("ROUTES_PORT", String.valueOf(HubProcess.freePort()));
		env.put("ROUTES_HUB_URL", hub.fhirBase());
		env.put("ROUTES_MLLP_PORT", String.valueOf(mllpPort));
		env.put("ROUTES_HL7V2_SOURCE_SYSTEM", "demo-ehr");
		env.put("ROUTES_HEARTBEAT_PERIOD", "1h");
		env.put("ROUTES_DATA_DIR", dataDir.toString());
		if (db.url() != null) {
			env.put("ROUTES_DB_URL", db.url());
			env.put("ROUTES_DB_USER", db.user());
		}
		Process p = pb.start();
		await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> {
			assertThat(p.isAlive()).as("routes app exited, see target/crash-it-routes.log").isTrue();
			try (Socket s = new Socket("127.0.0.1", mllpPort)) {
				return true;
			}
			catch (IOException e) {
				return false;
			}
		});
		return p;
	}

	/** Message i: patient i % PATIENTS, registered by its first message, updated (new family name) by the others. */
	private static String message(int i) {
		int patient = i % PATIENTS;
		String event = i < PATIENTS ? "A04" : "A08";
		return "MSH|^~\\&|CRASHAPP|CRASHFAC|HUB|HUB|20260101120000+0100||ADT^" + event + "^ADT_A01|CRASH-" + RUN + "-" + i + "|P|2.5.1\r"
				+ "EVN|" + event + "|20260101120000\r"
				+ "PID|1||CRASH" + RUN + "P" + patient + "^^^CRASH^MR||Family" + i + "^Given||19800101|F\r";
	}

	@Test
	void killedMidStreamAndRestartedTheHubHoldsEveryMessageExactlyOnceInOrder() throws Exception {
		long provenancesBefore = count(CONNECTOR_PROVENANCES);
		int next = 0;
		int crashAt = MESSAGES / 3;
		boolean crashed = false;
		List<Integer> resentAfterCrash = new ArrayList<>();
		while (next < MESSAGES) {
			try (MllpClient client = new MllpClient(mllpPort)) {
				while (next < MESSAGES) {
					if (!crashed && next == crashAt) {
						// Send without waiting, then kill: this one may or may not be in the inbox.
						client.writeRaw(frame(message(next)));
						routes.destroyForcibly().waitFor();
						crashed = true;
						throw new IOException("killed");
					}
					String[] msa = MllpClient.msa(client.send(message(next)));
					assertThat(msa).containsExactly("AA", "CRASH-" + RUN + "-" + next);
					next++;
				}
			}
			catch (IOException e) {
				assertThat(crashed).as("only the kill breaks the connection: " + e).isTrue();
				resentAfterCrash.add(next);
				routes = startRoutes();
			}
		}
		assertThat(resentAfterCrash).containsExactly(crashAt);
		assertThat(awaitSettled("CRASH-" + RUN + "-")).as("inbox rows of the run by status").containsExactly(Map.entry("DONE", (long) MESSAGES));
		assertThat(count(CONNECTOR_PROVENANCES) - provenancesBefore).isEqualTo(MESSAGES);
		assertThat(count("Patient?identifier=CRASH" + RUN + "P0,CRASH" + RUN + "P1&_summary=count")).isEqualTo(2);
		for (int p = 0; p < PATIENTS; p++) {
			Bundle b = search("Patient?identifier=CRASH" + RUN + "P" + p);
			assertThat(b.getEntry()).hasSize(1);
			int last = MESSAGES - PATIENTS + p;
			assertThat(((Patient) b.getEntryFirstRep().getResource()).getNameFirstRep().getFamily())
					.as("patient %d carries its last message", p).isEqualTo("Family" + last);
		}
	}

	/**
	 * The routes app's database goes away mid-stream (its connections are terminated and new ones
	 * refused): every message sent meanwhile is answered AE, never AA, and the sender's resends
	 * after the database is back leave each message applied exactly once, in order per patient.
	 */
	@Test
	void databaseConnectionsCutMidStreamTheListenerAnswersAeAndEachMessageIsAppliedOnce() throws Exception {
		assumeTrue(db.url() != null, "needs HUB_TEST_DB_URL: the embedded database cannot be cut from outside");
		String run = "CUT" + RUN;
		int messages = 60;
		int patients = 6;
		long provenancesBefore = count(CONNECTOR_PROVENANCES);
		int cutAt = messages / 3;
		List<String> answersWhileCut = new ArrayList<>();
		try (MllpClient client = new MllpClient(mllpPort)) {
			for (int i = 0; i < messages; i++) {
				String message = updateMessage(run, i, patients);
				if (i == cutAt) {
					databaseReachable(db, false);
					for (int attempt = 0; attempt < 2; attempt++) {
						String ack = client.send(message);
						answersWhileCut.add(MllpClient.msa(ack)[0] + " " + ack.contains("HUB-4006"));
					}
					databaseReachable(db, true);
					await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
							.until(() -> MllpClient.msa(client.send(message))[0].equals("AA"));
					continue;
				}
				assertThat(MllpClient.msa(client.send(message))).containsExactly("AA", run + "-" + i);
			}
		}
		finally {
			databaseReachable(db, true);
		}
		assertThat(answersWhileCut).containsExactly("AE true", "AE true");
		assertThat(awaitSettled(run + "-")).as("inbox rows of the run by status").containsExactly(Map.entry("DONE", (long) messages));
		assertThat(count(CONNECTOR_PROVENANCES) - provenancesBefore).isEqualTo(messages);
		for (int p = 0; p < patients; p++) {
			Bundle b = search("Patient?identifier=" + run + "P" + p);
			assertThat(b.getEntry()).hasSize(1);
			assertThat(((Patient) b.getEntryFirstRep().getResource()).getNameFirstRep().getFamily())
					.as("patient %d carries its last message", p).isEqualTo("Family" + (messages - patients + p));
		}
	}

	/**
	 * Started while its database refuses connections, the app boots anyway, answers AE, creates its
	 * schema once the database answers and then accepts and applies messages.
	 */
	@Test
	void startsWhileItsDatabaseIsDownAndAcceptsOnceItAnswers() throws Exception {
		assumeTrue(db.url() != null, "needs HUB_TEST_DB_URL: the embedded database cannot be cut from outside");
		String run = "DOWN" + RUN;
		routes.destroy();
		routes.waitFor();
		db = TestDatabases.fresh("routesdown");
		databaseReachable(db, false);
		try {
			routes = startRoutes();
			try (MllpClient client = new MllpClient(mllpPort)) {
				String ack = client.send(updateMessage(run, 0, 1));
				assertThat(MllpClient.msa(ack)[0]).isEqualTo("AE");
				assertThat(ack).contains("HUB-4006");
				databaseReachable(db, true);
				await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
						.until(() -> MllpClient.msa(client.send(updateMessage(run, 0, 1)))[0].equals("AA"));
			}
		}
		finally {
			databaseReachable(db, true);
		}
		await().atMost(Duration.ofMinutes(1)).until(() -> search("Patient?identifier=" + run + "P0").getEntry().size() == 1);
	}

	private static String updateMessage(String run, int i, int patients) {
		int patient = i % patients;
		String event = i < patients ? "A04" : "A08";
		return "MSH|^~\\&|CRASHAPP|CRASHFAC|HUB|HUB|20260101120000+0100||ADT^" + event + "^ADT_A01|" + run + "-" + i + "|P|2.5.1\r"
				+ "EVN|" + event + "|20260101120000\r"
				+ "PID|1||" + run + "P" + patient + "^^^CRASH^MR||Family" + i + "^Given||19800101|F\r";
	}

	/** Refuses (and cuts) or allows connections to the routes app's database, as an outage would. */
	private static void databaseReachable(TestDatabases.Db db, boolean reachable) throws SQLException {
		String name = db.url().substring(db.url().lastIndexOf('/') + 1);
		try (Connection c = DriverManager.getConnection(System.getenv("HUB_TEST_DB_URL"));
				Statement st = c.createStatement()) {
			st.execute("alter database " + name + " allow_connections " + reachable);
			if (!reachable) {
				st.execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = '" + name + "'");
			}
		}
	}

	/**
	 * Waits until the routes app has settled every stored message whose MSH-10 starts with
	 * {@code controlIdPrefix} (none left PENDING) and returns their count per status. The inbox is
	 * the completion signal: a message is DONE only after the hub committed its transaction.
	 */
	private static Map<String, Long> awaitSettled(String controlIdPrefix) {
		return await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
				.until(() -> inboxStatuses(controlIdPrefix), statuses -> !statuses.containsKey("PENDING"));
	}

	private static Map<String, Long> inboxStatuses(String controlIdPrefix) throws SQLException, IOException {
		Map<String, Long> statuses = new TreeMap<>();
		try (Connection c = routesDatabase();
				PreparedStatement st = c.prepareStatement(
						"select status, count(*) from hl7v2_inbox where control_id like ? group by status")) {
			st.setString(1, controlIdPrefix + "%");
			try (ResultSet rs = st.executeQuery()) {
				while (rs.next()) {
					statuses.put(rs.getString(1), rs.getLong(2));
				}
			}
		}
		return statuses;
	}

	/** The routes app's own database: the test database on the shared server, else its embedded PostgreSQL. */
	private static Connection routesDatabase() throws SQLException, IOException {
		Properties login = new Properties();
		login.setProperty("user", db.url() != null ? db.user() : "postgres");
		if (db.url() != null) {
			return DriverManager.getConnection(db.url(), login);
		}
		// The embedded server may come up on another port after a restart; postmaster.pid names the current one.
		String port = Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).get(3).trim();
		return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/routes", login);
	}

	private static byte[] frame(String message) {
		byte[] body = message.getBytes(StandardCharsets.UTF_8);
		byte[] framed = new byte[body.length + 3];
		framed[0] = 0x0B;
		System.arraycopy(body, 0, framed, 1, body.length);
		framed[body.length + 1] = 0x1C;
		framed[body.length + 2] = 0x0D;
		return framed;
	}

	private long count(String query) throws Exception {
		return search(query).getTotal();
	}

	private Bundle search(String query) throws Exception {
		HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(hub.fhirBase() + "/" + query))
				.header("Accept", "application/fhir+json").build(), HttpResponse.BodyHandlers.ofString());
		assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
		return FhirContext.forR4Cached().newJsonParser().parseResource(Bundle.class, r.body());
	}
}
