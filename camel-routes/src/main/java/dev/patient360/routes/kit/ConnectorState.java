package dev.patient360.routes.kit;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Per instance and resource type: the watermark (source {@code meta.lastUpdated} up to which every
 * page is committed in the hub), last success, last error and counts, in table {@code connector_state}.
 * The watermark only ever moves forward.
 */
@Component
public class ConnectorState {

	/**
	 * One row of the status API. {@code state} is {@code ERROR} while the last run of this type failed
	 * (then {@code lastError} says why, with its HUB code, and {@code pausedUntil} when the instance
	 * tries again), {@code OK} after a success, {@code NEW} before the first run. {@code syncedUntil}:
	 * every change the source made before it is in the hub (the start of the last successful run; for
	 * an export, its {@code transactionTime}). {@code recordsRead}: records read from the source;
	 * {@code resources}: records written to the hub.
	 */
	public record Row(String instance, String resourceType, String state, OffsetDateTime watermark, OffsetDateTime lastSuccessAt,
			OffsetDateTime lastErrorAt, String lastError, int consecutiveFailures, OffsetDateTime pausedUntil, long pages,
			long resources, OffsetDateTime syncedUntil, long recordsRead) {
	}

	private static final String SELECT_ROWS = """
			select instance, resource_type, watermark, last_success_at, last_error_at, last_error, pages, resources,
			  consecutive_failures, paused_until, synced_until, records_read
			from connector_state""";

	private static final RowMapper<Row> ROW = (rs, n) -> {
		OffsetDateTime success = rs.getObject(4, OffsetDateTime.class);
		OffsetDateTime error = rs.getObject(5, OffsetDateTime.class);
		String state = error != null && (success == null || error.isAfter(success)) ? "ERROR" : success != null ? "OK" : "NEW";
		return new Row(rs.getString(1), rs.getString(2), state, rs.getObject(3, OffsetDateTime.class), success, error,
				rs.getString(6), rs.getInt(9), rs.getObject(10, OffsetDateTime.class), rs.getLong(7), rs.getLong(8),
				rs.getObject(11, OffsetDateTime.class), rs.getLong(12));
	};

	private final JdbcClient jdbc;

	ConnectorState(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	public Optional<Instant> watermark(String instance, String resourceType) {
		return jdbc.sql("select watermark from connector_state where instance = ? and resource_type = ?")
				.params(instance, resourceType)
				.query((rs, n) -> Optional.ofNullable(rs.getObject(1, OffsetDateTime.class)).map(OffsetDateTime::toInstant))
				.optional().flatMap(o -> o);
	}

	/** After a page is committed in the hub: counts it and moves the watermark forward (never back). */
	public void pageCommitted(String instance, String resourceType, Instant newWatermark, int resources) {
		jdbc.sql("""
				insert into connector_state (instance, resource_type, watermark, pages, resources)
				values (?, ?, ?, 1, ?)
				on conflict (instance, resource_type) do update set
				  watermark = greatest(connector_state.watermark, excluded.watermark),
				  pages = connector_state.pages + 1,
				  resources = connector_state.resources + excluded.resources""")
				.params(instance, resourceType, ts(newWatermark), resources).update();
	}

	/** After a page is committed in the hub, for types whose watermark is kept elsewhere or not at all: counts it. */
	public void pageCounted(String instance, String resourceType, int resources) {
		jdbc.sql("""
				insert into connector_state (instance, resource_type, pages, resources) values (?, ?, 1, ?)
				on conflict (instance, resource_type) do update set
				  pages = connector_state.pages + 1,
				  resources = connector_state.resources + excluded.resources""")
				.params(instance, resourceType, resources).update();
	}

	/** Counts records read from the source (whether then written, unchanged or dead-lettered). */
	public void read(String instance, String resourceType, int records) {
		if (records <= 0) {
			return;
		}
		jdbc.sql("""
				insert into connector_state (instance, resource_type, records_read) values (?, ?, ?)
				on conflict (instance, resource_type) do update set
				  records_read = connector_state.records_read + excluded.records_read""")
				.params(instance, resourceType, records).update();
	}

	/** Moves the watermark forward (never back) without counting a page, e.g. to a bulk export's transactionTime. */
	public void advanceWatermark(String instance, String resourceType, Instant newWatermark) {
		jdbc.sql("""
				insert into connector_state (instance, resource_type, watermark) values (?, ?, ?)
				on conflict (instance, resource_type) do update set
				  watermark = greatest(connector_state.watermark, excluded.watermark)""")
				.params(instance, resourceType, ts(newWatermark)).update();
	}

	/**
	 * A successful run of the type.
	 *
	 * @param syncedUntil every change the source made before this is now in the hub: the start of the
	 *        run (what it read was the source's state from then on), or an export's {@code transactionTime}
	 */
	public void succeeded(String instance, String resourceType, Instant syncedUntil) {
		jdbc.sql("""
				insert into connector_state (instance, resource_type, last_success_at, synced_until) values (?, ?, now(), ?)
				on conflict (instance, resource_type) do update set last_success_at = now(), consecutive_failures = 0,
				  paused_until = null,
				  synced_until = greatest(connector_state.synced_until, excluded.synced_until)""")
				.params(instance, resourceType, ts(syncedUntil)).update();
	}

	/** A failure recorded without pausing the instance: for types whose own schedule already spaces retries. */
	public int failed(String instance, String resourceType, String error) {
		return failed(instance, resourceType, error, Duration.ZERO, Duration.ZERO);
	}

	/**
	 * Records a failed run and pauses the instance: the scheduled runs after the n-th failure in a row
	 * wait {@link #backoff}. Returns n.
	 *
	 * @param error a code and a short text without content from the source (no PHI)
	 */
	public int failed(String instance, String resourceType, String error, Duration schedule, Duration maxBackoff) {
		int n = jdbc.sql("""
				insert into connector_state (instance, resource_type, last_error_at, last_error, consecutive_failures)
				values (?, ?, now(), ?, 1)
				on conflict (instance, resource_type) do update set last_error_at = now(), last_error = excluded.last_error,
				  consecutive_failures = connector_state.consecutive_failures + 1
				returning consecutive_failures""")
				.params(instance, resourceType, error).query(Integer.class).single();
		jdbc.sql("update connector_state set paused_until = ? where instance = ? and resource_type = ?")
				.params(ts(Instant.now().plus(backoff(schedule, n, maxBackoff))), instance, resourceType).update();
		return n;
	}

	/** Wait after the n-th failure in a row: the schedule, doubled per further failure, at most {@code max}. */
	public static Duration backoff(Duration schedule, int failures, Duration max) {
		Duration wait = schedule;
		for (int i = 1; i < failures && wait.compareTo(max) < 0; i++) {
			wait = wait.multipliedBy(2);
		}
		return wait.compareTo(max) > 0 ? max : wait;
	}

	/** Whether a scheduled run of the instance is due (no type of it is paused after failures). */
	public boolean due(String instance) {
		return jdbc.sql("select count(*) from connector_state where instance = ? and paused_until > now()")
				.param(instance).query(Long.class).single() == 0;
	}

	/** The rows of one instance, by resource type. */
	public List<Row> rows(String instance) {
		return jdbc.sql(SELECT_ROWS + " where instance = ? order by resource_type").param(instance).query(ROW).list();
	}

	/** The rows of every instance. */
	public List<Row> rows() {
		return jdbc.sql(SELECT_ROWS).query(ROW).list();
	}

	private static OffsetDateTime ts(Instant i) {
		return i == null ? null : i.atOffset(ZoneOffset.UTC);
	}
}
