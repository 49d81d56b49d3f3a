package dev.patient360.routes.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
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
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A Cal.com API v2-like bookings API on WireMock: {@code GET /v2/bookings} with {@code take},
 * {@code skip}, {@code sortUpdatedAt=asc} and {@code afterUpdatedAt}, answering
 * {@code {status, data: [booking...], pagination: {hasNextPage, ...}}}; it requires the
 * {@code cal-api-version} header and, when an API key is set, {@code Authorization: Bearer <key>}.
 * Bookings behave as in Cal.com: rescheduling cancels the booking and creates a new one that points
 * back ({@code rescheduledFromUid}/{@code rescheduledToUid}). It also builds signed webhook deliveries.
 *
 * <p>Availability as Cal.com v2 serves it: {@code GET /v2/me} (the API key's user, the host),
 * {@code GET /v2/event-types/{id}} ({@code cal-api-version: 2024-06-14}) and {@code GET /v2/slots}
 * ({@code cal-api-version: 2024-09-04}; {@code eventTypeId}, {@code start}/{@code end} dates,
 * {@code timeZone}, {@code format=range}) answering {@code {status, data: {"<date>": [{start[, end]}]}}}.
 * Event type 7 ({@code follow-up-30}, 30 minutes, at {@link #CLINIC}) is offered on weekdays
 * 09:00–12:00 in the host's zone (Europe/Berlin), from tomorrow on (a day's minimum notice); a
 * time with an accepted or pending booking of that event type is not offered.
 */
public final class CalComSimulator implements AutoCloseable {

	public static final String HOST_EMAIL = "dr.lena.hartmann@clinic.example.org";
	public static final String CLINIC = "Main Street Clinic, Room 4";
	public static final int EVENT_TYPE = 7;
	static final ZoneId HOST_ZONE = ZoneId.of("Europe/Berlin");
	private static final DateTimeFormatter SLOT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
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
		server = new WireMockServer(options().port(port).bindAddress("127.0.0.1").extensions(new Bookings(), new Availability()));
		server.start();
		server.stubFor(get(urlPathEqualTo("/v2/bookings")).willReturn(aResponse().withTransformers("calcom-bookings")));
		server.stubFor(get(urlPathEqualTo("/v2/me")).willReturn(aResponse().withTransformers("calcom-availability")));
		server.stubFor(get(urlPathMatching("/v2/event-types/[0-9]+")).willReturn(aResponse().withTransformers("calcom-availability")));
		server.stubFor(get(urlPathEqualTo("/v2/slots")).willReturn(aResponse().withTransformers("calcom-availability")));
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

	/**
	 * The start times of event type {@code eventTypeId} offered for the dates {@code from}..{@code to}
	 * (inclusive) as seen in {@code zone}: what {@code GET /v2/slots} answers for them.
	 */
	public synchronized List<Instant> offeredSlots(int eventTypeId, LocalDate from, LocalDate to, ZoneId zone) {
		List<Instant> offered = new ArrayList<>();
		if (eventTypeId != EVENT_TYPE) {
			return offered;
		}
		Duration length = Duration.ofMinutes(30);
		LocalDate hostToday = LocalDate.now(clock.withZone(HOST_ZONE));
		for (LocalDate d = from.minusDays(1); !d.isAfter(to.plusDays(1)); d = d.plusDays(1)) {
			if (!d.isAfter(hostToday) || d.getDayOfWeek() == DayOfWeek.SATURDAY || d.getDayOfWeek() == DayOfWeek.SUNDAY) {
				continue;
			}
			for (LocalTime t = LocalTime.of(9, 0); !t.plus(length).isAfter(LocalTime.of(12, 0)); t = t.plus(length)) {
				Instant start = d.atTime(t).atZone(HOST_ZONE).toInstant();
				LocalDate shown = start.atZone(zone).toLocalDate();
				if (shown.isBefore(from) || shown.isAfter(to) || booked(eventTypeId, start, start.plus(length))) {
					continue;
				}
				offered.add(start);
			}
		}
		return offered;
	}

	private boolean booked(int eventTypeId, Instant start, Instant end) {
		return bookings.values().stream().anyMatch(b -> b.path("eventTypeId").asInt() == eventTypeId
				&& List.of("accepted", "pending").contains(b.path("status").asText())
				&& Instant.parse(b.path("start").asText()).isBefore(end) && Instant.parse(b.path("end").asText()).isAfter(start));
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

	private final class Availability implements ResponseDefinitionTransformerV2 {

		@Override
		public String getName() {
			return "calcom-availability";
		}

		@Override
		public boolean applyGlobally() {
			return false;
		}

		@Override
		public ResponseDefinition transform(ServeEvent event) {
			var request = event.getRequest();
			if (apiKey != null && !("Bearer " + apiKey).equals(request.getHeader("Authorization"))) {
				return Bookings.error(401, "invalid API key");
			}
			String path = request.getUrl().split("\\?", 2)[0];
			ObjectNode body = JSON.createObjectNode();
			body.put("status", "success");
			if (path.equals("/v2/me")) {
				body.putObject("data").put("id", 1).put("username", "lena-hartmann").put("email", HOST_EMAIL)
						.put("name", "Lena Hartmann").put("timeZone", HOST_ZONE.getId()).put("weekStart", "Monday");
				return ok(body);
			}
			if (path.startsWith("/v2/event-types/")) {
				if (!"2024-06-14".equals(request.getHeader("cal-api-version"))) {
					return Bookings.error(400, "cal-api-version 2024-06-14 required");
				}
				if (!path.equals("/v2/event-types/" + EVENT_TYPE)) {
					return Bookings.error(404, "event type not found");
				}
				ObjectNode et = body.putObject("data");
				et.put("id", EVENT_TYPE).put("ownerId", 1).put("lengthInMinutes", 30).put("title", "Follow-up visit")
						.put("slug", "follow-up-30");
				et.putArray("locations").addObject().put("type", "address").put("address", CLINIC).put("public", true);
				et.putArray("users").addObject().put("id", 1).put("name", "Lena Hartmann").put("username", "lena-hartmann");
				return ok(body);
			}
			if (!"2024-09-04".equals(request.getHeader("cal-api-version"))) {
				return Bookings.error(400, "cal-api-version 2024-09-04 required");
			}
			ZoneId zone = ZoneId.of(param(request, "timeZone", "UTC"));
			LocalDate from = LocalDate.parse(param(request, "start", "").substring(0, 10));
			LocalDate to = LocalDate.parse(param(request, "end", "").substring(0, 10));
			boolean range = "range".equals(param(request, "format", "time"));
			ObjectNode data = body.putObject("data");
			for (Instant start : offeredSlots(Integer.parseInt(param(request, "eventTypeId", "0")), from, to, zone)) {
				ObjectNode slot = ((ArrayNode) (data.has(start.atZone(zone).toLocalDate().toString())
						? data.get(start.atZone(zone).toLocalDate().toString())
						: data.putArray(start.atZone(zone).toLocalDate().toString()))).addObject();
				slot.put("start", SLOT_TIME.format(start.atZone(zone)));
				if (range) {
					slot.put("end", SLOT_TIME.format(start.plus(Duration.ofMinutes(30)).atZone(zone)));
				}
			}
			return ok(body);
		}

		private static String param(com.github.tomakehurst.wiremock.http.Request request, String name, String dflt) {
			var p = request.queryParameter(name);
			return p.isPresent() ? p.firstValue() : dflt;
		}

		private static ResponseDefinition ok(ObjectNode body) {
			return new com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder().withStatus(200)
					.withHeader("Content-Type", "application/json").withBody(body.toString()).build();
		}
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
