package dev.patient360.routes.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The heartbeat against a real loopback HTTP server standing in for the hub. The timer is replaced
 * by a direct endpoint (AdviceWith), so each check runs exactly when the test sends to it.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@UseAdviceWith
class HubHeartbeatRouteTest {

	private static final String TRIGGER = "direct:hub-heartbeat";
	/** A port nobody listens on until the test starts the fake hub there. */
	private static final int HUB_PORT = freePort();

	@Autowired
	CamelContext camel;

	@Autowired
	ProducerTemplate producer;

	@LocalServerPort
	int actuatorPort;

	private final HttpClient client = HttpClient.newHttpClient();
	private final ObjectMapper json = new ObjectMapper();
	private HttpServer fakeHub;
	private volatile int metadataStatus = 200;

	@DynamicPropertySource
	static void hubUrl(DynamicPropertyRegistry registry) {
		registry.add("routes.hub-url", () -> "http://127.0.0.1:" + HUB_PORT + "/fhir");
		// This test is about the heartbeat alone; the app's own database is a throwaway one.
		registry.add("routes.hl7v2.enabled", () -> "false");
		registry.add("routes.db.data-dir", () -> "target/heartbeat-test-db-" + System.nanoTime());
	}

	@BeforeEach
	void replaceTimer() throws Exception {
		AdviceWith.adviceWith(camel, HubHeartbeatRoute.ROUTE_ID, route -> route.replaceFromWith(TRIGGER));
		camel.start();
	}

	@AfterEach
	void stopFakeHub() {
		if (fakeHub != null) {
			fakeHub.stop(0);
		}
	}

	@Test
	void reportsTheHubDownWhileUnreachableAndUpOnceItAnswers() throws Exception {
		assertThat(hubComponent().path("status").asText()).isEqualTo("UNKNOWN");

		producer.sendBody(TRIGGER, null);
		JsonNode unreachable = hubComponent();
		assertThat(unreachable.path("status").asText()).isEqualTo("DOWN");
		assertThat(unreachable.path("details").path("error").asText()).contains("ConnectException");
		assertThat(overallHealthStatusCode()).isEqualTo(503);

		startFakeHub();
		producer.sendBody(TRIGGER, null);
		JsonNode reachable = hubComponent();
		assertThat(reachable.path("status").asText()).isEqualTo("UP");
		assertThat(reachable.path("details").path("httpStatus").asInt()).isEqualTo(200);
		assertThat(reachable.path("details").path("url").asText())
				.isEqualTo("http://127.0.0.1:" + HUB_PORT + "/fhir/metadata?_summary=true");

		metadataStatus = 503;
		producer.sendBody(TRIGGER, null);
		JsonNode unavailable = hubComponent();
		assertThat(unavailable.path("status").asText()).isEqualTo("DOWN");
		assertThat(unavailable.path("details").path("httpStatus").asInt()).isEqualTo(503);
	}

	private JsonNode hubComponent() throws IOException, InterruptedException {
		return json.readTree(health().body()).path("components").path("hub");
	}

	private int overallHealthStatusCode() throws IOException, InterruptedException {
		return health().statusCode();
	}

	private HttpResponse<String> health() throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(
				URI.create("http://127.0.0.1:" + actuatorPort + "/actuator/health")).GET().build();
		return client.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private void startFakeHub() throws IOException {
		fakeHub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), HUB_PORT), 0);
		fakeHub.createContext("/fhir/metadata", this::answerMetadata);
		fakeHub.start();
	}

	private void answerMetadata(HttpExchange exchange) throws IOException {
		byte[] body = "{\"resourceType\":\"CapabilityStatement\",\"status\":\"active\",\"fhirVersion\":\"4.0.1\"}"
				.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().add("Content-Type", "application/fhir+json");
		exchange.sendResponseHeaders(metadataStatus, body.length);
		exchange.getResponseBody().write(body);
		exchange.close();
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException e) {
			throw new IllegalStateException("no free loopback port", e);
		}
	}
}
