package dev.patient360.hub.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Keycloak for the security integration tests, with the hub's realm
 * ({@code docker/keycloak/patient360-realm.json}) imported: one per test JVM, started on first use on a
 * free loopback port, stopped by a shutdown hook.
 *
 * <p>The distribution ({@code org.keycloak:keycloak-quarkus-dist}, tar.gz) comes through Maven: the
 * hub-server build unpacks it into {@code target/keycloak} before the integration tests
 * (maven-dependency-plugin) and passes its location as system property {@value #HOME_PROPERTY}. It
 * runs {@code start-dev} on an in-memory database, so every start imports the realm afresh, with
 * the JVM that runs the tests. Its log goes to {@code target/keycloak-<port>.log}.
 */
public final class KeycloakServer {

	public static final String REALM = "patient360";
	public static final String HOME_PROPERTY = "hub.test.keycloak-home";
	private static final String DEFAULT_HOME = "target/keycloak/keycloak-26.5.6";
	// The first start of a freshly unpacked distribution runs Quarkus augmentation: about a minute on a
	// quiet 2-core machine, three minutes and more while other builds run.
	private static final Duration READY_TIMEOUT = Duration.ofMinutes(8);

	private static java.util.concurrent.CompletableFuture<KeycloakServer> instance;

	private final Process process;
	private final int port;
	private final Path log;
	private final Duration startup;

	private KeycloakServer(Process process, int port, Path log, Duration startup) {
		this.process = process;
		this.port = port;
		this.log = log;
		this.startup = startup;
	}

	/** The JVM's Keycloak, started (and ready) on first use. */
	public static KeycloakServer get() {
		try {
			return starting().join();
		}
		catch (java.util.concurrent.CompletionException e) {
			throw e.getCause() instanceof RuntimeException cause ? cause : e;
		}
	}

	/**
	 * Starts the JVM's Keycloak in the background, if not yet started, and returns at once: a test
	 * base calls this before its Spring context boots, so both starts overlap.
	 */
	public static void startInBackground() {
		starting();
	}

	private static synchronized java.util.concurrent.CompletableFuture<KeycloakServer> starting() {
		if (instance == null) {
			instance = java.util.concurrent.CompletableFuture.supplyAsync(KeycloakServer::start,
					runnable -> {
						Thread thread = new Thread(runnable, "keycloak-start");
						thread.setDaemon(true);
						thread.start();
					});
		}
		return instance;
	}

	/** {@code http://127.0.0.1:<port>}: the base URL of Keycloak itself. */
	public String baseUrl() {
		return "http://127.0.0.1:" + port;
	}

	/** The issuer of the realm's tokens, as the hub must be configured with it. */
	public String issuer() {
		return baseUrl() + "/realms/" + REALM;
	}

	public String tokenEndpoint() {
		return issuer() + "/protocol/openid-connect/token";
	}

	public String jwksUri() {
		return issuer() + "/protocol/openid-connect/certs";
	}

	/** How long the start took until the realm answered (for the record in reports). */
	public Duration startup() {
		return startup;
	}

	/** The realm file the tests import; also the source of the demo secrets and the demo signing key. */
	public static Path realmFile() {
		return Repository.path("docker/keycloak/patient360-realm.json");
	}

	private static KeycloakServer start() {
		Path home = Path.of(System.getProperty(HOME_PROPERTY, DEFAULT_HOME)).toAbsolutePath();
		Path script = home.resolve("bin/kc.sh");
		if (!Files.isRegularFile(script)) {
			throw new IllegalStateException("no Keycloak distribution at " + home + "; run the tests through Maven "
					+ "(./mvnw verify), which unpacks org.keycloak:keycloak-quarkus-dist into target/keycloak");
		}
		try {
			Path imports = Files.createDirectories(home.resolve("data/import"));
			Files.copy(realmFile(), imports.resolve(REALM + "-realm.json"), StandardCopyOption.REPLACE_EXISTING);
			int port = freePort();
			Path log = Path.of("target", "keycloak-" + port + ".log").toAbsolutePath();
			Files.createDirectories(log.getParent());
			ProcessBuilder builder = new ProcessBuilder(List.of("bash", script.toString(), "start-dev",
					"--http-host=127.0.0.1", "--http-port=" + port,
					// Management (health, metrics) is off in start-dev; a free port anyway, so two test
					// JVMs on one machine never collide on the default 9000.
					"--http-management-port=" + freePort(),
					"--import-realm", "--db=dev-mem", "--cache=local"))
					.directory(home.toFile())
					.redirectErrorStream(true)
					.redirectOutput(log.toFile());
			builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
			builder.environment().put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx768m");
			long started = System.nanoTime();
			Process process = builder.start();
			KeycloakServer server = new KeycloakServer(process, port, log, null);
			Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "keycloak-stop"));
			server.awaitReady();
			return new KeycloakServer(process, port, log, Duration.ofNanos(System.nanoTime() - started));
		}
		catch (IOException e) {
			throw new UncheckedIOException("cannot start Keycloak from " + home, e);
		}
	}

	private void awaitReady() {
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
		URI discovery = URI.create(issuer() + "/.well-known/openid-configuration");
		long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			if (!process.isAlive()) {
				throw new IllegalStateException("Keycloak exited with " + process.exitValue() + " while starting; see " + log);
			}
			try {
				HttpResponse<Void> response = http.send(HttpRequest.newBuilder(discovery).timeout(Duration.ofSeconds(5))
						.GET().build(), HttpResponse.BodyHandlers.discarding());
				if (response.statusCode() == 200) {
					return;
				}
			}
			catch (IOException notYet) {
				// Not listening yet.
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(e);
			}
			sleep(500);
		}
		stop();
		throw new IllegalStateException("Keycloak not ready after " + READY_TIMEOUT.toSeconds() + " s; see " + log);
	}

	/** Stops this Keycloak (kc.sh and the JVM it started), nothing else. */
	private void stop() {
		List<ProcessHandle> children = process.descendants().toList();
		process.destroy();
		children.forEach(ProcessHandle::destroy);
		try {
			if (!process.waitFor(20, TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
			for (ProcessHandle child : children) {
				child.onExit().get(20, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
		catch (Exception e) {
			children.forEach(ProcessHandle::destroyForcibly);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(e);
		}
	}
}
