package dev.patient360.routes.hl7v2;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.patient360.routes.testsupport.HubProcess;
import dev.patient360.routes.testsupport.MllpClient;
import dev.patient360.routes.testsupport.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The connector as an operator runs it in production, with WireMock as hub and token endpoint: an
 * MLLP listener on TLS that requires client certificates (keystores generated with keytool at test
 * time), and a hub whose answers the test chooses.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class Hl7v2TlsAndRefusingHubIT {

	private static final int MLLP_PORT = HubProcess.freePort();
	private static final WireMockServer FAKE_HUB = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
	private static final String TOKEN_CLAIMS = Base64.getUrlEncoder().withoutPadding()
			.encodeToString("{\"source_system\":\"demo-ehr\"}".getBytes(StandardCharsets.UTF_8));

	@LocalServerPort
	int httpPort;

	@Autowired
	JdbcClient jdbc;

	private final HttpClient http = HttpClient.newHttpClient();

	private static final Path KEYS = Path.of("target/mllp-tls-" + System.nanoTime()).toAbsolutePath();
	private static final String STORE_PASSWORD = "test-only-" + System.nanoTime();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) throws Exception {
		FAKE_HUB.start();
		Files.createDirectories(KEYS);
		keyPair("server");
		keyPair("sender");
		registry.add("routes.hl7v2.tls-keystore", () -> KEYS.resolve("server.p12").toString());
		registry.add("routes.hl7v2.tls-keystore-password", () -> STORE_PASSWORD);
		registry.add("routes.hl7v2.tls-truststore", () -> KEYS.resolve("sender.p12").toString());
		registry.add("routes.hl7v2.tls-truststore-password", () -> STORE_PASSWORD);
		registry.add("routes.hub-url", () -> "http://127.0.0.1:" + FAKE_HUB.port() + "/fhir");
		registry.add("routes.auth.token-url", () -> "http://127.0.0.1:" + FAKE_HUB.port() + "/token");
		registry.add("routes.auth.client-id", () -> "demo-ehr");
		registry.add("routes.auth.client-secret", () -> "revoked-secret");
		registry.add("routes.hl7v2.port", () -> MLLP_PORT);
		registry.add("routes.hl7v2.poll-period", () -> "100ms");
		registry.add("routes.heartbeat-period", () -> "1h");
		TestDatabases.registerRoutesDb(registry, "routes_refused");
	}

	@AfterAll
	static void stopFakeHub() {
		FAKE_HUB.stop();
	}

	/** A self-signed EC key pair in {@code KEYS/<name>.p12}, made by the JDK's keytool. */
	private static void keyPair(String name) throws Exception {
		Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
				"-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
				"-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
				"-keystore", KEYS.resolve(name + ".p12").toString(), "-storepass", STORE_PASSWORD)
				.redirectErrorStream(true).start();
		String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(keytool.waitFor()).as(output).isZero();
	}

	/** A TLS MLLP client trusting the listener's certificate, presenting {@code clientKey} if not null. */
	private static MllpClient tlsClient(String clientKey) throws Exception {
		KeyStore server = KeyStore.getInstance(KEYS.resolve("server.p12").toFile(), STORE_PASSWORD.toCharArray());
		TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trust.init(server);
		KeyManager[] keys = null;
		if (clientKey != null) {
			KeyStore client = KeyStore.getInstance(KEYS.resolve(clientKey + ".p12").toFile(), STORE_PASSWORD.toCharArray());
			KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
			kmf.init(client, STORE_PASSWORD.toCharArray());
			keys = kmf.getKeyManagers();
		}
		SSLContext tls = SSLContext.getInstance("TLS");
		tls.init(keys, trust.getTrustManagers(), null);
		SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", MLLP_PORT);
		socket.setSoTimeout(30_000);
		socket.startHandshake();
		return new MllpClient(socket);
	}

	@Test
	void tlsSenderWithItsCertificateGetsItsAckWhilePlainAndAnonymousClientsAreRefused() throws Exception {
		FAKE_HUB.resetAll();
		FAKE_HUB.stubFor(post(urlEqualTo("/token")).willReturn(token()));
		FAKE_HUB.stubFor(post(urlEqualTo("/fhir")).willReturn(transactionResponse()));
		String controlId = "TLS-" + System.nanoTime();
		try (MllpClient client = tlsClient("sender")) {
			assertThat(MllpClient.msa(client.send(message(controlId)))).containsExactly("AA", controlId);
		}
		await().atMost(Duration.ofMinutes(2)).until(() -> inboxRow(controlId).startsWith("DONE"));

		String plainId = "PLAIN-" + System.nanoTime();
		assertThatThrownBy(() -> {
			try (MllpClient plain = new MllpClient(MLLP_PORT)) {
				plain.send(message(plainId));
			}
		}).isInstanceOf(IOException.class);
		assertThatThrownBy(() -> {
			try (MllpClient anonymous = tlsClient(null)) {
				anonymous.send(message(plainId));
			}
		}).isInstanceOf(IOException.class);
		assertThat(jdbc.sql("select count(*) from hl7v2_inbox where control_id = ?").param(plainId)
				.query(Long.class).single()).isZero();
	}

	/**
	 * A hub that keeps answering 401 although the token was just renewed: the message stays
	 * pending instead of becoming a dead letter, the processor backs off instead of hammering the
	 * hub, health shows the hub DOWN with HUB-4033, and once the hub accepts again the message is
	 * applied and health recovers.
	 */
	@Test
	void hubRefusingFreshTokensKeepsTheMessagePendingBacksOffAndRecoversWhenItAcceptsAgain() throws Exception {
		FAKE_HUB.resetAll();
		FAKE_HUB.stubFor(post(urlEqualTo("/token")).willReturn(token()));
		FAKE_HUB.stubFor(post(urlEqualTo("/fhir")).willReturn(aResponse().withStatus(401)));
		String controlId = "REFUSED-" + System.nanoTime();
		try (MllpClient client = tlsClient("sender")) {
			assertThat(MllpClient.msa(client.send(message(controlId)))).containsExactly("AA", controlId);
		}

		await().atMost(Duration.ofMinutes(2)).until(() -> health().contains("HUB-4033"));
		assertThat(health()).contains("\"hub\":{\"status\":\"DOWN\"");
		// Each attempt renewed the token once before giving up on it.
		int hubCalls = FAKE_HUB.findAll(postRequestedFor(urlEqualTo("/fhir"))).size();
		assertThat(FAKE_HUB.findAll(postRequestedFor(urlEqualTo("/token"))).size()).isGreaterThanOrEqualTo(hubCalls / 2);
		assertThat(inboxRow(controlId)).startsWith("PENDING HUB-4033");
		assertThat(jdbc.sql("select count(*) from dead_letter where correlation_id like ?").param("%|" + controlId)
				.query(Long.class).single()).isZero();
		// Backing off: over the next 2.5 s only a few attempts (1 s, 2 s, 4 s ... apart; two calls
		// each), where polling every 100 ms without a pause would have made dozens.
		long before = FAKE_HUB.findAll(postRequestedFor(urlEqualTo("/fhir"))).size();
		await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4))
				.until(() -> FAKE_HUB.findAll(postRequestedFor(urlEqualTo("/fhir"))).size() - before <= 6);

		FAKE_HUB.stubFor(post(urlEqualTo("/fhir")).willReturn(transactionResponse()));
		await().atMost(Duration.ofMinutes(2)).until(() -> inboxRow(controlId).startsWith("DONE"));
		assertThat(health()).doesNotContain("HUB-4033");
	}

	private static ResponseDefinitionBuilder token() {
		return aResponse().withHeader("Content-Type", "application/json")
				.withBody("{\"access_token\":\"h." + TOKEN_CLAIMS + ".s\",\"expires_in\":300}");
	}

	private static ResponseDefinitionBuilder transactionResponse() {
		return aResponse().withHeader("Content-Type", "application/fhir+json")
				.withBody("{\"resourceType\":\"Bundle\",\"type\":\"transaction-response\"}");
	}

	private static String message(String controlId) {
		return "MSH|^~\\&|REFUSEDAPP|REFUSEDFAC|HUB|HUB|20260101120000+0100||ADT^A04^ADT_A01|" + controlId + "|P|2.5.1\r"
				+ "EVN|A04|20260101120000\r"
				+ "PID|1||" + controlId + "^^^REFUSED^MR||Refused^Given||19800101|F\r";
	}

	private String inboxRow(String controlId) {
		return jdbc.sql("select status || ' ' || coalesce(last_error, '') from hl7v2_inbox where control_id = ?")
				.param(controlId).query(String.class).single();
	}

	private String health() throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/actuator/health")).build(),
				HttpResponse.BodyHandlers.ofString()).body();
	}
}
