package dev.patient360.routes.simulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.Parameters;
import com.github.tomakehurst.wiremock.extension.ServeEventListener;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * An HTTP SMS gateway (WireMock) for the demo and the channel tests: {@code POST /messages} with
 * {@code {to, from, text, callbackUrl, reference}} answers 202 {@code {"id": …}}, and then the
 * gateway posts a delivery receipt to {@code callbackUrl} signed like a real one
 * ({@code X-Signature: sha256=<hex HMAC-SHA256 of the body>}): {@code delivered}, or
 * {@code undelivered} for numbers ending in {@code 99}. A receipt the app does not take yet (non-2xx)
 * is posted again, up to five times with growing delays, as gateways do. Tests add their own stubs
 * (5xx, 4xx) through {@link #wireMock()}.
 */
public final class SmsGatewaySimulator implements AutoCloseable {

	private static final ObjectMapper JSON = new ObjectMapper();
	private static final int RECEIPT_ATTEMPTS = 5;

	private final WireMockServer server;
	private final ReceiptPoster poster;

	private SmsGatewaySimulator(WireMockServer server, ReceiptPoster poster) {
		this.server = server;
		this.poster = poster;
	}

	/** Starts on loopback; port 0 = any free port. */
	public static SmsGatewaySimulator start(int port, String receiptSecret) {
		ReceiptPoster poster = new ReceiptPoster(receiptSecret);
		WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1").port(port).extensions(poster));
		server.start();
		server.stubFor(post(urlPathEqualTo("/messages")).atPriority(10).willReturn(aResponse().withStatus(202)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"id\":\"sim-{{randomValue length=16 type='ALPHANUMERIC'}}\",\"status\":\"accepted\"}")
				.withTransformers("response-template")));
		return new SmsGatewaySimulator(server, poster);
	}

	public String baseUrl() {
		return "http://127.0.0.1:" + server.port();
	}

	public WireMockServer wireMock() {
		return server;
	}

	/** What the gateway was asked to send (every attempt, including refused ones), oldest first. */
	public List<JsonNode> messagesTo(String number) {
		return server.findAll(postRequestedFor(urlPathEqualTo("/messages"))).stream()
				.map(SmsGatewaySimulator::json).filter(m -> number.equals(m.path("to").asText())).toList();
	}

	/** Posts a receipt as the gateway would; returns the app's HTTP status. */
	public int postReceipt(String callbackUrl, String messageId, String status) throws Exception {
		return poster.post(callbackUrl, messageId, status);
	}

	private static JsonNode json(LoggedRequest request) {
		try {
			return JSON.readTree(request.getBodyAsString());
		}
		catch (java.io.IOException e) {
			return JSON.createObjectNode();
		}
	}

	@Override
	public void close() {
		server.stop();
		poster.scheduler.shutdownNow();
	}

	/**
	 * For {@code ./hub up}: port {@code DEMO_SMS_PORT} (8025), receipts signed with
	 * {@code ROUTES_SMS_RECEIPT_SECRET} (default {@code demo-sms-receipt-secret}).
	 */
	public static void main(String[] args) throws InterruptedException {
		int port = Integer.parseInt(System.getenv().getOrDefault("DEMO_SMS_PORT", "8025"));
		String secret = System.getenv().getOrDefault("ROUTES_SMS_RECEIPT_SECRET", "demo-sms-receipt-secret");
		SmsGatewaySimulator sim = start(port, secret);
		Runtime.getRuntime().addShutdownHook(new Thread(sim::close));
		System.out.println("SMS gateway simulator: " + sim.baseUrl() + "/messages");
		new CountDownLatch(1).await();
	}

	/** After each accepted message, posts its receipt to the message's callbackUrl. */
	private static final class ReceiptPoster implements ServeEventListener {

		private final String secret;
		private final HttpClient http = HttpClient.newHttpClient();
		private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
			Thread t = new Thread(r, "sms-simulator-receipts");
			t.setDaemon(true);
			return t;
		});

		ReceiptPoster(String secret) {
			this.secret = secret;
		}

		@Override
		public String getName() {
			return "sms-receipts";
		}

		@Override
		public void afterComplete(ServeEvent event, Parameters parameters) {
			if (!event.getRequest().getUrl().startsWith("/messages") || event.getResponse().getStatus() / 100 != 2) {
				return;
			}
			JsonNode message = json(event.getRequest());
			String callback = message.path("callbackUrl").asText("");
			if (callback.isBlank()) {
				return;
			}
			try {
				String id = JSON.readTree(event.getResponse().getBodyAsString()).path("id").asText();
				String status = message.path("to").asText().endsWith("99") ? "undelivered" : "delivered";
				schedule(callback, id, status, 1);
			}
			catch (java.io.IOException e) {
				// Not our answer's shape: nothing to confirm.
			}
		}

		private void schedule(String callback, String id, String status, int attempt) {
			scheduler.schedule(() -> {
				int answer;
				try {
					answer = post(callback, id, status);
				}
				catch (Exception e) {
					answer = 0;
				}
				if (answer / 100 != 2 && attempt < RECEIPT_ATTEMPTS) {
					schedule(callback, id, status, attempt + 1);
				}
			}, 100L << (attempt - 1), TimeUnit.MILLISECONDS);
		}

		int post(String callback, String id, String status) throws Exception {
			String body = JSON.createObjectNode().put("id", id).put("status", status)
					.put("timestamp", OffsetDateTime.now(ZoneOffset.UTC).toString()).toString();
			HttpRequest request = HttpRequest.newBuilder(URI.create(callback))
					.header("Content-Type", "application/json")
					.header("X-Signature", "sha256=" + hmac(body))
					.POST(HttpRequest.BodyPublishers.ofString(body)).build();
			return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
		}

		private String hmac(String body) throws GeneralSecurityException {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
		}
	}
}
