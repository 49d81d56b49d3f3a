package dev.patient360.routes.deadletter;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Records dead letters of connectors that read from a source rather than an inbox (the pull
 * connectors, iCalendar, scheduling, billing CSV): what the hub or the source refused for good,
 * kept with its content for an integration engineer ({@code /api/dead-letters}), so nothing is lost
 * when one record of a page or file cannot be loaded while the rest are. Such letters cannot be
 * retried from the API; the next change at the source brings the record again.
 * <p>
 * A pull reads a little behind its watermark (clock skew), so the same refused record can come
 * round again unchanged: while an open letter holds the same record with the same content, no
 * second one is added.
 */
@Component
public class DeadLetters {

	private static final int MAX_ERROR = 1000;

	private final JdbcClient jdbc;

	DeadLetters(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * @param connector connector instance id
	 * @param correlationId what identifies the record at the source, e.g. {@code Encounter/123}, a booking
	 *        uid, a file name and row
	 * @param sourceRef where it came from, e.g. a file URL; never an inbox reference
	 * @param messageType resource type or other kind of content, e.g. {@code calcom-booking}
	 * @param raw the content as received or as sent to the hub
	 * @param errorCode stable HUB code
	 * @param error our short text (code and status); may include the hub's OperationOutcome, never source content
	 * @return whether a letter was added (false: an open one with the same record and content exists)
	 */
	public boolean add(String connector, String correlationId, String sourceRef, String messageType, byte[] raw,
			String errorCode, String error) {
		return jdbc.sql("""
				insert into dead_letter (connector, correlation_id, source_ref, message_type, raw, error_code, error)
				select :connector, :correlation, :sourceRef, :type, :raw, :code, :error
				where not exists (select 1 from dead_letter where status = 'OPEN' and connector = :connector
				  and correlation_id = :correlation and error_code = :code and raw = :raw)""")
				.param("connector", connector).param("correlation", correlationId).param("sourceRef", sourceRef)
				.param("type", messageType).param("raw", raw).param("code", errorCode)
				.param("error", error.length() > MAX_ERROR ? error.substring(0, MAX_ERROR) : error)
				.update() == 1;
	}

	/** As {@link #add(String, String, String, String, byte[], String, String)} for textual content. */
	public boolean add(String connector, String correlationId, String sourceRef, String messageType, String raw,
			String errorCode, String error) {
		return add(connector, correlationId, sourceRef, messageType, raw.getBytes(StandardCharsets.UTF_8), errorCode, error);
	}

	/** Letters per connector instance, whatever their status (what each instance failed to load, ever). */
	public Map<String, Long> countsByConnector() {
		Map<String, Long> counts = new HashMap<>();
		jdbc.sql("select connector, count(*) from dead_letter group by connector")
				.query(rs -> {
					counts.put(rs.getString(1), rs.getLong(2));
				});
		return counts;
	}

	/** Open letters of one connector instance. */
	public long open(String connector) {
		return jdbc.sql("select count(*) from dead_letter where connector = ? and status = 'OPEN'").param(connector)
				.query(Long.class).single();
	}
}
