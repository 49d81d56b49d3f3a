package dev.patient360.routes.deadletter;

import java.nio.charset.StandardCharsets;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Writes dead letters for connectors that read from a source rather than an inbox (scheduling,
 * iCalendar, billing CSV): the source record itself is kept, so nothing is lost when one record of
 * a page or file cannot be loaded while the rest are.
 */
@Component
public class ConnectorDeadLetters {

	private final JdbcClient jdbc;

	ConnectorDeadLetters(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * @param connector instance id
	 * @param correlationId what identifies the record at the source (booking uid, event UID, file name + row)
	 * @param sourceRef where it came from, e.g. {@code billing-csv/<file>#<row>}; not retryable from the API
	 * @param messageType kind of record, e.g. {@code calcom-booking}
	 * @param raw the source record as read
	 * @param errorCode stable HUB code
	 * @param error short text without source content
	 */
	public void add(String connector, String correlationId, String sourceRef, String messageType, String raw,
			String errorCode, String error) {
		jdbc.sql("""
				insert into dead_letter (connector, correlation_id, source_ref, message_type, raw, error_code, error)
				values (?, ?, ?, ?, ?, ?, ?)""")
				.params(connector, correlationId, sourceRef, messageType, raw.getBytes(StandardCharsets.UTF_8), errorCode,
						error.length() > 1000 ? error.substring(0, 1000) : error)
				.update();
	}

	/** Open dead letters of one connector (for status and tests). */
	public long open(String connector) {
		return jdbc.sql("select count(*) from dead_letter where connector = ? and status = 'OPEN'").param(connector)
				.query(Long.class).single();
	}
}
