package dev.patient360.routes.kit;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Per instance and resource type: the watermark (source {@code meta.lastUpdated} up to which every
 * page is committed in the hub), last success, last error and counts, in table {@code connector_state}.
 * The watermark only ever moves forward.
 */
@Component
public class ConnectorState {

	/** One row of the status API. */
	public record Row(String instance, String resourceType, OffsetDateTime watermark, OffsetDateTime lastSuccessAt,
			OffsetDateTime lastErrorAt, String lastError, long pages, long resources) {
	}

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

	public void succeeded(String instance, String resourceType) {
		jdbc.sql("""
				insert into connector_state (instance, resource_type, last_success_at) values (?, ?, now())
				on conflict (instance, resource_type) do update set last_success_at = now()""")
				.params(instance, resourceType).update();
	}

	/** @param error a code and a short text without content from the source (no PHI) */
	public void failed(String instance, String resourceType, String error) {
		jdbc.sql("""
				insert into connector_state (instance, resource_type, last_error_at, last_error) values (?, ?, now(), ?)
				on conflict (instance, resource_type) do update set last_error_at = now(), last_error = excluded.last_error""")
				.params(instance, resourceType, error).update();
	}

	public List<Row> rows(String instance) {
		return jdbc.sql("""
				select instance, resource_type, watermark, last_success_at, last_error_at, last_error, pages, resources
				from connector_state where instance = ? order by resource_type""")
				.param(instance)
				.query((rs, n) -> new Row(rs.getString(1), rs.getString(2), rs.getObject(3, OffsetDateTime.class),
						rs.getObject(4, OffsetDateTime.class), rs.getObject(5, OffsetDateTime.class), rs.getString(6),
						rs.getLong(7), rs.getLong(8)))
				.list();
	}

	private static OffsetDateTime ts(Instant i) {
		return i == null ? null : i.atOffset(ZoneOffset.UTC);
	}
}
