package dev.patient360.routes.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.patient360.hub.testsupport.KeycloakServer;

import static org.awaitility.Awaitility.await;

/**
 * The real hub for camel-routes ITs: {@code ../hub-server/target/hub-server.jar} (built earlier in
 * the same reactor) as a child process, with security disabled, on a fresh database. Output goes to
 * {@code target/hub-child-<port>.log}. A child gets 4 minutes to answer; a busy machine can allow
 * more with {@code -Dhub.child.start-timeout=PT10M}.
 */
public final class HubProcess implements AutoCloseable {

	private static HubProcess shared;
	private static HubProcess sharedSecured;

	private final Process process;
	private final int port;
	private final boolean sharedInstance;

	private HubProcess(Process process, int port) {
		this(process, port, false);
	}

	private HubProcess(Process process, int port, boolean sharedInstance) {
		this.process = process;
		this.port = port;
		this.sharedInstance = sharedInstance;
	}

	/**
	 * One unsecured hub per test JVM, started on first use and stopped when the JVM exits; {@link #close()}
	 * on it does nothing. Booting a hub costs 30–60 s here, so ITs that only need "a hub" share this one.
	 * Its database is shared too: count what your test wrote by its own source tag or identifier system,
	 * never globally.
	 */
	public static synchronized HubProcess shared() throws IOException {
		if (shared == null || !shared.process.isAlive()) {
			shared = keepForJvm(start());
		}
		return shared;
	}

	/** Like {@link #shared()}, with security on and trusting the test JVM's {@link KeycloakServer}. */
	public static synchronized HubProcess sharedSecured() throws IOException {
		if (sharedSecured == null || !sharedSecured.process.isAlive()) {
			sharedSecured = keepForJvm(start(Map.of("HUB_OIDC_ISSUER", KeycloakServer.get().issuer())));
		}
		return sharedSecured;
	}

	private static HubProcess keepForJvm(HubProcess started) {
		HubProcess kept = new HubProcess(started.process, started.port, true);
		Runtime.getRuntime().addShutdownHook(new Thread(started::close, "hub-child-stop-" + started.port));
		return kept;
	}

	public static HubProcess start() throws IOException {
		return start(Map.of("HUB_SECURITY", "disabled"));
	}

	/** @param settings HUB_* variables for the child, e.g. {@code HUB_OIDC_ISSUER} for a secured hub */
	public static HubProcess start(Map<String, String> settings) throws IOException {
		Path jar = Path.of("../hub-server/target/hub-server.jar");
		if (!Files.exists(jar)) {
			throw new IllegalStateException("build hub-server first: ./mvnw -B -o -pl camel-routes -am verify");
		}
		int port = freePort();
		TestDatabases.Db db = TestDatabases.fresh("hubchild");
		List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx1g", "-XX:+UseParallelGC", "-jar", jar.toString());
		ProcessBuilder pb = new ProcessBuilder(cmd)
				.redirectErrorStream(true)
				.redirectOutput(Path.of("target/hub-child-" + port + ".log").toFile());
		Map<String, String> env = pb.environment();
		env.put("HUB_PORT", String.valueOf(port));
		// The hub refuses to start with link tracking on and no secret.
		env.put("HUB_ENGAGEMENT_TRACKING_SECRET", "camel-routes-test-tracking-secret");
		env.putAll(settings);
		env.put("HUB_DATA_DIR", "target/hub-child-data-" + port);
		if (db.url() != null) {
			env.put("HUB_DB_URL", db.url());
			env.put("HUB_DB_USER", db.user());
		}
		HubProcess hub = new HubProcess(pb.start(), port);
		try {
			awaitUp(hub);
		}
		catch (RuntimeException e) {
			// A child that never came up must not outlive the test JVM (no shutdown hook holds it yet).
			hub.process.destroyForcibly();
			throw e;
		}
		return hub;
	}

	private static void awaitUp(HubProcess hub) {
		HttpClient http = HttpClient.newHttpClient();
		// Generous: on a machine shared by several builds a first start can take minutes.
		await().atMost(Duration.ofMinutes(15)).pollInterval(Duration.ofSeconds(2)).until(() -> {
			if (!hub.process.isAlive()) {
				throw new IllegalStateException("hub child exited, see target/hub-child-*.log");
			}
			try {
				return http.send(HttpRequest.newBuilder(URI.create(hub.fhirBase() + "/metadata?_summary=true")).build(),
						HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
			}
			catch (IOException e) {
				return false;
			}
		});
	}

	public String fhirBase() {
		return "http://127.0.0.1:" + port + "/fhir";
	}

	public static int freePort() {
		try (ServerSocket s = new ServerSocket(0)) {
			return s.getLocalPort();
		}
		catch (IOException e) {
			throw new IllegalStateException(e);
		}
	}

	@Override
	public void close() {
		if (sharedInstance) {
			return;
		}
		process.destroy();
		try {
			if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
		}
		catch (InterruptedException e) {
			process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}
}
