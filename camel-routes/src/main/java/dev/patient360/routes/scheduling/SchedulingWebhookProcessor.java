package dev.patient360.routes.scheduling;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patient360.routes.common.HubClient;
import dev.patient360.routes.kit.ConnectorsProperties;
import dev.patient360.routes.kit.InstanceHubClients;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Applies stored webhook deliveries in the order they arrived: booking events (created, rescheduled,
 * cancelled, requested, rejected, no-show) go through {@link CalComBookingToFhirAppointmentMapper}
 * like pulled bookings, so a booking seen by both pull and push lands on the same Appointment; other
 * events (e.g. PING) are kept as IGNORED. While the hub is unavailable a delivery waits with backoff;
 * one that cannot be mapped or that the hub refuses becomes a dead letter.
 */
@Component
class SchedulingWebhookProcessor {

	private static final Logger log = LoggerFactory.getLogger(SchedulingWebhookProcessor.class);
	private static final Set<String> BOOKING_EVENTS = Set.of("BOOKING_CREATED", "BOOKING_RESCHEDULED", "BOOKING_CANCELLED",
			"BOOKING_REQUESTED", "BOOKING_REJECTED", "BOOKING_NO_SHOW_UPDATED");
	private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

	private record Pending(long id, String instance, byte[] raw, int attempts) {
	}

	private final Map<String, ConnectorsProperties.Instance> instances;
	private final JdbcClient jdbc;
	private final InstanceHubClients hubs;
	private final ObjectMapper json = new ObjectMapper();

	SchedulingWebhookProcessor(ConnectorsProperties props, JdbcClient jdbc, InstanceHubClients hubs) {
		this.instances = props.instances().stream().collect(Collectors.toMap(ConnectorsProperties.Instance::id, i -> i));
		this.jdbc = jdbc;
		this.hubs = hubs;
	}

	void processPending() throws InterruptedException {
		List<Pending> pending = jdbc.sql("""
				select id, instance, raw, attempts from webhook_inbox
				where status = 'PENDING' and next_attempt_at <= now() order by id limit 50""")
				.query((rs, n) -> new Pending(rs.getLong(1), rs.getString(2), rs.getBytes(3), rs.getInt(4))).list();
		for (Pending p : pending) {
			process(p);
		}
	}

	private void process(Pending p) throws InterruptedException {
		ConnectorsProperties.Instance instance = instances.get(p.instance());
		if (instance == null) {
			dead(p, "HUB-5056", "HUB-5056 no webhook instance " + p.instance());
			return;
		}
		JsonNode delivery;
		try {
			delivery = json.readTree(p.raw());
		}
		catch (java.io.IOException e) {
			dead(p, "HUB-5059", "HUB-5059 the delivery is not JSON");
			return;
		}
		String event = String.valueOf(CalComBookingToFhirAppointmentMapper.text(delivery, "triggerEvent")).toUpperCase(Locale.ROOT);
		if (!BOOKING_EVENTS.contains(event)) {
			jdbc.sql("update webhook_inbox set status = 'IGNORED', processed_at = now() where id = ?").param(p.id()).update();
			return;
		}
		AppointmentTransaction tx = new AppointmentTransaction(SchedulingContext.of(instance), "Cal.com webhook");
		try {
			CalComBookingToFhirAppointmentMapper.map(delivery.path("payload"), tx);
		}
		catch (SchedulingMappingException e) {
			dead(p, e.getMessage().substring(0, 8), e.getMessage());
			return;
		}
		try {
			if (tx.appointments() > 0) {
				hubs.of(instance).transaction(tx.build());
			}
			jdbc.sql("update webhook_inbox set status = 'DONE', processed_at = now(), last_error = null where id = ?")
					.param(p.id()).update();
		}
		catch (HubClient.HubRejectedException e) {
			dead(p, "HUB-4021", e.getMessage());
		}
		catch (HubClient.HubUnavailableException e) {
			Duration wait = Duration.ofSeconds(1L << Math.min(p.attempts(), 8));
			wait = wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
			log.warn("webhook delivery {} of {}: {}; next try in {}", p.id(), p.instance(), e.getMessage(), wait);
			jdbc.sql("update webhook_inbox set attempts = attempts + 1, next_attempt_at = ?, last_error = ? where id = ?")
					.params(Timestamp.from(Instant.now().plus(wait)), e.getMessage(), p.id()).update();
		}
	}

	private void dead(Pending p, String code, String error) {
		log.warn("webhook delivery {} of {}: dead letter {}", p.id(), p.instance(), code);
		jdbc.sql("""
				with moved as (update webhook_inbox set status = 'DEAD', processed_at = now(), last_error = ? where id = ? returning id)
				insert into dead_letter (connector, correlation_id, source_ref, message_type, raw, error_code, error)
				select ?, ?, ?, ?, ?, ?, ? from moved""")
				.params(code, p.id(), p.instance(), "webhook_inbox/" + p.id(), "webhook_inbox/" + p.id(), "calcom-webhook",
						p.raw(), code, error.length() > 1000 ? error.substring(0, 1000) : error)
				.update();
	}

}
