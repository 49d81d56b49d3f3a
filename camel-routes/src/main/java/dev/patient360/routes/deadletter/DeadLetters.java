package dev.patient360.routes.deadletter;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Records dead letters of connectors that have no inbox of their own (the pull connectors): what the
 * hub or the source refused for good, kept with its content for an integration engineer
 * ({@code /api/dead-letters}). Such letters cannot be retried from the API; the next change at the
 * source brings the record again.
 */
@Component
public class DeadLetters {

	private final JdbcClient jdbc;

	DeadLetters(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * @param connector connector instance id
	 * @param correlationId what identifies the record at the source, e.g. {@code Encounter/123}
	 * @param sourceRef where it came from, e.g. a file URL; never an inbox reference
	 * @param messageType resource type or other kind of content
	 * @param raw the content as received or as sent to the hub
	 * @param errorCode HUB code
	 * @param error our short text (code and status); may include the hub's OperationOutcome
	 */
	public void add(String connector, String correlationId, String sourceRef, String messageType, byte[] raw,
			String errorCode, String error) {
		jdbc.sql("""
				insert into dead_letter (connector, correlation_id, source_ref, message_type, raw, error_code, error)
				values (?, ?, ?, ?, ?, ?, ?)""")
				.params(connector, correlationId, sourceRef, messageType, raw, errorCode, error).update();
	}

	/** Open letters of one connector instance. */
	public long open(String connector) {
		return jdbc.sql("select count(*) from dead_letter where connector = ? and status = 'OPEN'").param(connector)
				.query(Long.class).single();
	}
}
