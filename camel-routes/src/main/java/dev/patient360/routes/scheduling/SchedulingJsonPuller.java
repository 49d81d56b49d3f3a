package dev.patient360.routes.scheduling;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patient360.routes.common.HubClient;
import dev.patient360.routes.deadletter.DeadLetters;
import dev.patient360.routes.kit.ConnectorState;
import dev.patient360.routes.kit.ConnectorsProperties;
import dev.patient360.routes.kit.InstanceHubClients;
import dev.patient360.routes.kit.SourceHttp;
import org.hl7.fhir.r4.model.Bundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * One incremental pull of a {@code scheduling-json} instance (a Cal.com API v2-style bookings API):
 * {@code GET [base]/v2/bookings?sortUpdatedAt=asc&afterUpdatedAt=[watermark - skew]&take=n&skip=k}
 * with the {@code cal-api-version} header, page after page while {@code pagination.hasNextPage}.
 * Each page is one hub transaction; the watermark (resource type {@code Appointment}) moves to the
 * page's newest {@code updatedAt} only after the hub committed it. A booking that cannot be mapped,
 * or that the hub refuses, becomes a dead letter; the rest of the page still loads.
 *
 * <p>With {@code options.availability-event-types}, each run then reads the availability of those
 * event types ({@code /v2/me}, {@code /v2/event-types/{id}}, {@code /v2/slots} for
 * {@code availability-days} from today in {@code availability-time-zone}) and writes one Schedule
 * and its Slots per event type ({@link CalComSlotsToFhirSlotMapper}), state type {@code Slot}. It is
 * a snapshot, not a change feed: no watermark; a failure leaves the hub as the last committed run
 * left it, and the next run writes the whole window again (unchanged Slots create no version).
 */
@Component
public class SchedulingJsonPuller {

	public static final String TYPE = "scheduling-json";
	static final String STATE_TYPE = "Appointment";
	static final String SLOT_STATE_TYPE = "Slot";
	static final String AVAILABILITY_OPTION = "availability-event-types";
	private static final Logger log = LoggerFactory.getLogger(SchedulingJsonPuller.class);

	private final Map<String, ConnectorsProperties.Instance> instances;
	private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
	private final ConnectorState state;
	private final InstanceHubClients hubs;
	private final DeadLetters deadLetters;
	private final Environment env;
	private final AvailabilityState availability;
	private final Clock clock;
	private final ObjectMapper json = new ObjectMapper();
	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	SchedulingJsonPuller(ConnectorsProperties props, ConnectorState state, InstanceHubClients hubs, DeadLetters deadLetters,
			Environment env, AvailabilityState availability) {
		this.availability = availability;
		this.clock = Clock.systemUTC();
		this.instances = props.instances().stream().filter(i -> TYPE.equals(i.type()))
				.collect(Collectors.toMap(ConnectorsProperties.Instance::id, i -> i));
		this.state = state;
		this.hubs = hubs;
		this.deadLetters = deadLetters;
		this.env = env;
	}

	/** Pulls everything changed since the watermark; runs of the same instance never overlap. */
	public void pull(String instanceId) throws InterruptedException {
		ConnectorsProperties.Instance instance = instances.get(instanceId);
		if (instance == null) {
			throw new IllegalArgumentException("no " + TYPE + " instance " + instanceId);
		}
		ReentrantLock lock = locks.computeIfAbsent(instanceId, k -> new ReentrantLock());
		lock.lockInterruptibly();
		try {
			run(instance, STATE_TYPE, () -> pullBookings(instance));
			if (!eventTypes(instance).isEmpty()) {
				// Apart from the bookings: availability failing must not hold Appointments back, nor the reverse.
				run(instance, SLOT_STATE_TYPE, () -> pullAvailability(instance));
			}
		}
		finally {
			lock.unlock();
		}
	}

	@FunctionalInterface
	private interface Pull {
		void run() throws IOException, InterruptedException;
	}

	/** One part of a run, recorded as its own state type: succeeded, or failed with its error. */
	private void run(ConnectorsProperties.Instance instance, String stateType, Pull pull) throws InterruptedException {
		try {
			Instant started = Instant.now();
			pull.run();
			state.succeeded(instance.id(), stateType, started);
		}
		catch (IOException | RuntimeException e) {
			String error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
			log.warn("connector {} {}: pull failed: {}", instance.id(), stateType, error);
			state.failed(instance.id(), stateType, error.length() > 500 ? error.substring(0, 500) : error);
		}
	}

	static List<String> eventTypes(ConnectorsProperties.Instance instance) {
		String v = instance.options().getOrDefault(AVAILABILITY_OPTION, "");
		return Arrays.stream(v.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList();
	}

	private void pullAvailability(ConnectorsProperties.Instance instance) throws IOException, InterruptedException {
		SourceHttp source = SourceHttp.of(http, null, instance);
		Map<String, String> headers = headers(instance, env);
		SchedulingContext ctx = SchedulingContext.of(instance);
		ZoneId zone = ZoneId.of(instance.options().getOrDefault("availability-time-zone", "UTC"));
		LocalDate from = LocalDate.now(clock.withZone(zone));
		LocalDate to = from.plusDays(Integer.parseInt(instance.options().getOrDefault("availability-days", "14")) - 1L);
		String base = instance.baseUrl().toString().replaceAll("/+$", "");
		JsonNode owner = json.readTree(source.get(URI.create(base + "/v2/me"), "application/json", headers)).path("data");
		for (String eventType : eventTypes(instance)) {
			JsonNode et = json.readTree(source.get(URI.create(base + "/v2/event-types/" + enc(eventType)), "application/json",
					withVersion(headers, instance.options().getOrDefault("event-types-api-version", "2024-06-14")))).path("data");
			URI slotsUrl = URI.create(base + "/v2/slots?eventTypeId=" + enc(eventType) + "&start=" + from + "&end=" + to
					+ "&timeZone=" + enc(zone.getId()) + "&format=range");
			JsonNode slots = json.readTree(source.get(slotsUrl, "application/json",
					withVersion(headers, instance.options().getOrDefault("slots-api-version", "2024-09-04")))).path("data");
			List<CalComSlotsToFhirSlotMapper.SlotTime> held = availability.heldFree(instance.id(), eventType,
					from.atStartOfDay(zone).toInstant(), to.plusDays(1).atStartOfDay(zone).toInstant());
			CalComSlotsToFhirSlotMapper.Result result = CalComSlotsToFhirSlotMapper.map(et, owner, slots, held, zone, ctx);
			hubs.of(instance).transaction(result.transaction());
			availability.committed(instance.id(), eventType, result);
			int slotsRead = 0;
			for (JsonNode day : slots) {
				slotsRead += day.isArray() ? day.size() : 1;
			}
			state.read(instance.id(), SLOT_STATE_TYPE, slotsRead);
			state.pageCounted(instance.id(), SLOT_STATE_TYPE, result.offered().size() + result.busy().size());
			log.info("connector {}: event type {}: {} free slot(s), {} no longer offered", instance.id(), eventType,
					result.offered().size(), result.busy().size());
		}
	}

	private static Map<String, String> withVersion(Map<String, String> headers, String version) {
		Map<String, String> h = new LinkedHashMap<>(headers);
		h.put("cal-api-version", version);
		return h;
	}

	private static String enc(String s) {
		return URLEncoder.encode(s, StandardCharsets.UTF_8);
	}

	private void pullBookings(ConnectorsProperties.Instance instance) throws IOException, InterruptedException {
		SourceHttp source = SourceHttp.of(http, null, instance);
		Map<String, String> headers = headers(instance, env);
		SchedulingContext ctx = SchedulingContext.of(instance);
		int take = Integer.parseInt(instance.options().getOrDefault("page-size", "50"));
		Optional<Instant> watermark = state.watermark(instance.id(), STATE_TYPE);
		int skip = 0;
		int pages = 0;
		while (true) {
			JsonNode page = json.readTree(source.get(pageUrl(instance, watermark, take, skip), "application/json", headers));
			JsonNode data = page.path("data");
			if (!data.isArray()) {
				throw new IOException("HUB-5045 bookings answer has no data array");
			}
			if (!data.isEmpty()) {
				load(instance, ctx, data);
			}
			pages++;
			skip += data.size();
			if (data.isEmpty() || !page.path("pagination").path("hasNextPage").asBoolean(false)) {
				break;
			}
		}
		log.info("connector {}: {} page(s) of bookings pulled", instance.id(), pages);
	}

	private void load(ConnectorsProperties.Instance instance, SchedulingContext ctx, JsonNode bookings)
			throws InterruptedException {
		AppointmentTransaction tx = new AppointmentTransaction(ctx, "Cal.com bookings");
		Map<String, JsonNode> mapped = new LinkedHashMap<>();
		Instant newest = null;
		for (JsonNode booking : bookings) {
			Instant updated = updatedAt(booking);
			if (updated != null && (newest == null || updated.isAfter(newest))) {
				newest = updated;
			}
			try {
				if (CalComBookingToFhirAppointmentMapper.map(booking, tx)) {
					mapped.put(String.valueOf(CalComBookingToFhirAppointmentMapper.text(booking, "uid")), booking);
				}
			}
			catch (SchedulingMappingException e) {
				dead(instance, booking, e.getMessage());
			}
		}
		if (tx.appointments() > 0) {
			try {
				hubs.of(instance).transaction(tx.build());
			}
			catch (HubClient.HubRejectedException e) {
				// One refused booking must not hold back the others: write them one by one.
				oneByOne(instance, ctx, mapped.values());
			}
		}
		state.read(instance.id(), STATE_TYPE, bookings.size());
		state.pageCommitted(instance.id(), STATE_TYPE, newest, tx.appointments());
	}

	private void oneByOne(ConnectorsProperties.Instance instance, SchedulingContext ctx, Iterable<JsonNode> bookings)
			throws InterruptedException {
		for (JsonNode booking : bookings) {
			AppointmentTransaction single = new AppointmentTransaction(ctx, "Cal.com bookings");
			CalComBookingToFhirAppointmentMapper.map(booking, single);
			try {
				hubs.of(instance).transaction(single.build());
			}
			catch (HubClient.HubRejectedException e) {
				dead(instance, booking, e.getMessage());
			}
		}
	}

	private void dead(ConnectorsProperties.Instance instance, JsonNode booking, String error) {
		String uid = String.valueOf(CalComBookingToFhirAppointmentMapper.text(booking, "uid"));
		String code = error.startsWith("HUB-") ? error.substring(0, 8) : "HUB-5046";
		deadLetters.add(instance.id(), uid, TYPE + "/" + uid, "calcom-booking", booking.toString(), code, error);
	}

	static Instant updatedAt(JsonNode booking) {
		String updated = CalComBookingToFhirAppointmentMapper.text(booking, "updatedAt");
		try {
			return updated == null ? null : OffsetDateTime.parse(updated).toInstant();
		}
		catch (java.time.DateTimeException e) {
			return null;
		}
	}

	static URI pageUrl(ConnectorsProperties.Instance instance, Optional<Instant> watermark, int take, int skip) {
		String base = instance.baseUrl().toString().replaceAll("/+$", "");
		StringBuilder url = new StringBuilder(base).append(instance.options().getOrDefault("bookings-path", "/v2/bookings"))
				.append("?sortUpdatedAt=asc&take=").append(take).append("&skip=").append(skip);
		watermark.ifPresent(w -> url.append("&afterUpdatedAt=")
				.append(URLEncoder.encode(w.minus(instance.skew()).toString(), StandardCharsets.UTF_8)));
		return URI.create(url.toString());
	}

	/** API version header and, when {@code api-key-env} names a set variable, the bearer API key. */
	static Map<String, String> headers(ConnectorsProperties.Instance instance, Environment env) {
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("cal-api-version", instance.options().getOrDefault("api-version", "2024-08-13"));
		String keyEnv = instance.options().get("api-key-env");
		if (keyEnv != null) {
			String key = env.getProperty(keyEnv);
			if (key == null || key.isBlank()) {
				throw new IllegalStateException("HUB-5047 the API key variable " + keyEnv + " is not set");
			}
			headers.put("Authorization", "Bearer " + key);
		}
		return headers;
	}
}
