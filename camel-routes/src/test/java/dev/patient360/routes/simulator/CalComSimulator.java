package dev.patient360.routes.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A Cal.com API v2-like bookings API on WireMock: {@code GET /v2/bookings} with {@code take},
 * {@code skip}, {@code sortUpdatedAt=asc} and {@code afterUpdatedAt}, answering
 * {@code {status, data: [booking...], pagination: {hasNextPage, ...}}}; it requires the
 * {@code cal-api-version} header and, when an API key is set, {@code Authorization: Bearer <key>}.
 * Bookings behave as in Cal.com: rescheduling cancels the booking and creates a new one that points
 * back ({@code rescheduledFromUid}/{@code rescheduledToUid}). It also builds signed webhook deliveries.
 */
public final class CalComSimulator implements AutoCloseable {

	public static final String HOST_EMAIL = "dr.lena.hartmann@clinic.example.org";
	private static final ObjectMapper JSON = new ObjectMapper();

	private final WireMockServer server;
	private final Map<String, ObjectNode> bookings = new ConcurrentHashMap<>();
	private final AtomicLong ids = new AtomicLong(1000);
	private final Clock clock;
	private final String apiKey;
	public final AtomicInteger pageRequests = new AtomicInteger();

	/** @param apiKey the bearer key clients must send; null = none required */
	public CalComSimulator(int port, String apiKey, Clock clock) {
		this.apiKey = apiKey;
		this.clock = clock;
		server = new WireMockServer(options().port(port).bindAddress("127.0.0.1").extensions(new Bookings()));
		server.start();
		server.stubFor(get(urlPathEqualTo("/v2/bookings")).willReturn(aResponse().withTransformers("calcom-bookings")));
	}

	public String baseUrl() {
		return "http://127.0.0.1:" + server.port();
	}

	/** Books {@code person} with the simulator's host at {@code start} for 30 minutes; returns the uid. */
	public synchronized String book(SyntheaPeople.Person person, Instant start, String location) {
		ObjectNode b = JSON.createObjectNode();
		String uid = UUID.randomUUID().toString().replace("-", "").substring(0, 22);
		Instant now = now();
		b.put("id", ids.incrementAndGet());
		b.put("uid", uid);
		b.put("title", "Follow-up visit between Dr. Lena Hartmann and " + person.name());
		b.put("description", "Booked online");
		b.put("status", "accepted");
		b.put("start", start.toString());
		b.put("end", start.plus(Duration.ofMinutes(30)).toString());
		b.put("duration", 30);
		b.put("eventTypeId", 7);
		b.putObject("eventType").put("id", 7).put("slug", "follow-up-30");
		b.put("location", location);
		b.put("absentHost", false);
		b.put("createdAt", now.toString());
		b.put("updatedAt", now.toString());
		b.putArray("hosts").addObject().put("id", 1).put("name", "Lena Hartmann").put("email", HOST_EMAIL)
				.put("username", "lena-hartmann").put("timeZone", "Europe/Berlin");
		b.putArray("attendees").addObject().put("name", person.name()).put("email", person.email())
				.put("timeZone", "America/New_York").put("language", "en").put("absent", false);
		b.putArray("guests");
		b.putObject("metadata");
		bookings.put(uid, b);
		return uid;
	}

	/** Cal.com rescheduling: the booking is cancelled and replaced by a new one; returns the new uid. */
	public synchronized String reschedule(String uid, Instant newStart) {
		ObjectNode old = bookings.get(uid);
		ObjectNode successor = old.deepCopy();
		String newUid = UUID.randomUUID().toString().replace("-", "").substring(0, 22);
		Instant now = now();
		successor.put("id", ids.incrementAndGet());
		successor.put("uid", newUid);
		successor.put("start", newStart.toString());
		successor.put("end", newStart.plus(Duration.ofMinutes(30)).toString());
		successor.put("rescheduledFromUid", uid);
		successor.put("reschedulingReason", "Patient asked for another time");
		successor.put("createdAt", now.toString());
		successor.put("updatedAt", now.toString());
		old.put("status", "cancelled");
		old.put("rescheduledToUid", newUid);
		old.put("updatedAt", now.toString());
		bookings.put(newUid, successor);
		return newUid;
	}

	public synchronized void cancel(String uid, String reason) {
		ObjectNode b = bookings.get(uid);
		b.put("status", "cancelled");
		b.put("cancellationReason", reason);
		b.put("updatedAt", now().toString());
	}

	/** Bookings that are current (not replaced by a reschedule): one Appointment each. */
	public List<JsonNode> current() {
		return bookings.values().stream().filter(b -> !b.has("rescheduledToUid")).map(JsonNode.class::cast).toList();
	}

	public JsonNode booking(String uid) {
		return bookings.get(uid);
	}

	/** A Cal.com webhook delivery body ({@code triggerEvent}, {@code createdAt}, {@code payload}) for a booking. */
	public String webhookBody(String triggerEvent, String uid) {
		JsonNode b = bookings.get(uid);
		ObjectNode delivery = JSON.createObjectNode();
		delivery.put("triggerEvent", triggerEvent);
		delivery.put("createdAt", now().toString());
		ObjectNode payload = delivery.putObject("payload");
		payload.put("uid", b.path("uid").asText());
		payload.put("title", b.path("title").asText());
		payload.put("description", b.path("description").asText());
		payload.put("startTime", b.path("start").asText());
		payload.put("endTime", b.path("end").asText());
		payload.put("location", b.path("location").asText());
		payload.put("status", b.path("status").asText().toUpperCase(java.util.Locale.ROOT));
		if (b.has("rescheduledFromUid")) {
			payload.put("rescheduleUid", b.path("rescheduledFromUid").asText());
		}
		if (b.has("cancellationReason")) {
			payload.put("cancellationReason", b.path("cancellationReason").asText());
		}
		JsonNode host = b.path("hosts").path(0);
		payload.putObject("organizer").put("name", host.path("name").asText()).put("email", host.path("email").asText())
				.put("timeZone", host.path("timeZone").asText());
		payload.set("attendees", b.path("attendees").deepCopy());
		payload.set("eventType", b.path("eventType").deepCopy());
		payload.put("updatedAt", b.path("updatedAt").asText());
		return delivery.toString();
	}

	/** The {@code X-Cal-Signature-256} value Cal.com sends: hex HMAC-SHA256 of the body. */
	public static String signature(String secret, String body) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			return java.util.HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
		}
		catch (java.security.GeneralSecurityException e) {
			throw new IllegalStateException(e);
		}
	}

	private Instant now() {
		// Millisecond steps so that every change has its own updatedAt, as a database clock would.
		return Instant.now(clock).truncatedTo(ChronoUnit.MILLIS);
	}

	@Override
	public void close() {
		server.stop();
	}

	private final class Bookings implements ResponseDefinitionTransformerV2 {

		@Override
		public String getName() {
			return "calcom-bookings";
		}

		@Override
		public boolean applyGlobally() {
			return false;
		}

		@Override
		public ResponseDefinition transform(ServeEvent event) {
			var request = event.getRequest();
			if (!request.containsHeader("cal-api-version")) {
				return error(404, "cal-api-version header missing");
			}
			if (apiKey != null && !("Bearer " + apiKey).equals(request.getHeader("Authorization"))) {
				return error(401, "invalid API key");
			}
			pageRequests.incrementAndGet();
			int take = intParam(request.queryParameter("take").isPresent() ? request.queryParameter("take").firstValue() : null, 100);
			int skip = intParam(request.queryParameter("skip").isPresent() ? request.queryParameter("skip").firstValue() : null, 0);
			Instant after = request.queryParameter("afterUpdatedAt").isPresent()
					? OffsetDateTime.parse(request.queryParameter("afterUpdatedAt").firstValue()).toInstant() : null;
			List<ObjectNode> matching;
			synchronized (CalComSimulator.this) {
				matching = new ArrayList<>(bookings.values().stream()
						.filter(b -> after == null || Instant.parse(b.path("updatedAt").asText()).isAfter(after))
						.map(ObjectNode::deepCopy).toList());
			}
			matching.sort(Comparator.comparing((ObjectNode b) -> b.path("updatedAt").asText()).thenComparing(b -> b.path("id").asLong()));
			ObjectNode body = JSON.createObjectNode();
			body.put("status", "success");
			ArrayNode data = body.putArray("data");
			matching.stream().skip(skip).limit(take).forEach(data::add);
			ObjectNode pagination = body.putObject("pagination");
			pagination.put("totalItems", matching.size());
			pagination.put("returnedItems", data.size());
			pagination.put("itemsPerPage", take);
			pagination.put("remainingItems", Math.max(0, matching.size() - skip - data.size()));
			pagination.put("hasNextPage", skip + data.size() < matching.size());
			pagination.put("hasPreviousPage", skip > 0);
			return new com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder().withStatus(200)
					.withHeader("Content-Type", "application/json").withBody(body.toString()).build();
		}

		private static int intParam(String v, int dflt) {
			return v == null ? dflt : Integer.parseInt(v);
		}

		private static ResponseDefinition error(int status, String message) {
			return new com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder().withStatus(status)
					.withHeader("Content-Type", "application/json")
					.withBody("{\"status\":\"error\",\"error\":{\"message\":\"" + message + "\"}}").build();
		}
	}
}
