package dev.patient360.routes.channels;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The channels' state in the connector database: table {@code channel_outbox} (one row per delivery
 * of a request version, claimed before anything is sent) and {@code channel_event} (receipts,
 * bounces and replies waiting to be applied to the hub).
 *
 * <p>Statuses of an outbox row: {@code SENDING} (claimed, being sent), {@code SENT}, {@code FAILED},
 * {@code NO_ADDRESS}, {@code UNKNOWN} (outcomes not yet recorded in the hub), {@code DONE} (the hub
 * has the Communication), {@code UNUSABLE} (the request cannot be sent; a dead letter says why).
 */
@Component
class ChannelOutbox {

	static final String CONNECTOR = "channels";

	record Row(String key, String version, String requestId, String channel, String status, Instant outcomeAt,
			String providerId) {
	}

	record Event(long id, String requestKey, String kind, Instant occurredAt) {
	}

	private final JdbcClient jdbc;

	ChannelOutbox(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	Optional<Row> find(String key, String version) {
		return jdbc.sql("""
				select request_key, request_version, request_id, channel, status, outcome_at, provider_id
				from channel_outbox where request_key = ? and request_version = ?""")
				.params(key, version)
				.query((rs, n) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
						rs.getTimestamp(6) == null ? null : rs.getTimestamp(6).toInstant(), rs.getString(7)))
				.optional();
	}

	/** Inserts the row in {@code status}; false when another poll already holds it. */
	boolean claim(String key, String version, String requestId, String channel, String status) {
		return jdbc.sql("""
				insert into channel_outbox (request_key, request_version, request_id, channel, status)
				values (?, ?, ?, ?, ?) on conflict do nothing""")
				.params(key, version, requestId, channel, status).update() == 1;
	}

	/** Drops a claim whose message was certainly not sent (the channel was unreachable): the next poll tries again. */
	void release(String key, String version) {
		jdbc.sql("delete from channel_outbox where request_key = ? and request_version = ? and status = 'SENDING'")
				.params(key, version).update();
	}

	void outcome(String key, String version, DeliveryOutcome outcome) {
		jdbc.sql("""
				update channel_outbox set status = ?, outcome_at = ?, provider_id = ?
				where request_key = ? and request_version = ?""")
				.params(outcome.kind().name(), Timestamp.from(outcome.at()), outcome.providerId(), key, version).update();
	}

	void done(String key, String version, String communicationId) {
		jdbc.sql("update channel_outbox set status = 'DONE', communication_id = ? where request_key = ? and request_version = ?")
				.params(communicationId, key, version).update();
	}

	void unusable(String key, String version, String requestId, String errorCode, String error) {
		if (claim(key, version, requestId, "-", "UNUSABLE")) {
			deadLetter(key + "|" + version, requestId, errorCode, error);
		}
	}

	/** {@code error} is one of ours (code, HTTP status, exception type), never message content or an address. */
	void deadLetter(String correlationId, String requestId, String errorCode, String error) {
		jdbc.sql("""
				insert into dead_letter (connector, correlation_id, source_ref, message_type, raw, error_code, error)
				values (?, ?, ?, ?, ?, ?, ?)""")
				.params(CONNECTOR, correlationId, "CommunicationRequest/" + requestId, "CommunicationRequest",
						("CommunicationRequest/" + requestId).getBytes(StandardCharsets.UTF_8), errorCode, error)
				.update();
	}

	/** The request a sent message belongs to, by the channel's id for it (Message-ID, gateway message id). */
	Optional<String> keyOfProviderId(String channel, String providerId) {
		return jdbc.sql("select request_key from channel_outbox where channel = ? and provider_id = ? limit 1")
				.params(channel, providerId).query(String.class).optional();
	}

	void recordEvent(String requestKey, String kind, Instant occurredAt) {
		jdbc.sql("insert into channel_event (request_key, kind, occurred_at) values (?, ?, ?)")
				.params(requestKey, kind, Timestamp.from(occurredAt)).update();
	}

	/** Events whose Communication is in the hub already, oldest first. */
	List<Event> pendingEvents(int limit) {
		return jdbc.sql("""
				select e.id, e.request_key, e.kind, e.occurred_at from channel_event e
				where e.applied_at is null
				  and exists (select 1 from channel_outbox o where o.request_key = e.request_key and o.status = 'DONE')
				order by e.id limit ?""")
				.param(limit)
				.query((rs, n) -> new Event(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant()))
				.list();
	}

	void applied(long eventId) {
		jdbc.sql("update channel_event set applied_at = now(), attempts = attempts + 1 where id = ?").param(eventId).update();
	}

	void attempted(long eventId) {
		jdbc.sql("update channel_event set attempts = attempts + 1 where id = ?").param(eventId).update();
	}
}
