package dev.patient360.routes.kit;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The connectors on {@code /actuator/prometheus}, per instance and resource type: records read from
 * the source, written to the hub and dead-lettered, lag behind the source, last success and failures
 * in a row. Read from the tables {@code /api/connectors} shows ({@code connector_state},
 * {@code dead_letter}), so the figures survive a restart and agree with the status API; the
 * {@code connector-metrics} route reads them again every {@code routes.connectors.metrics-period}.
 * An instance appears once it has run.
 */
@Component
public class ConnectorMetrics {

	private record Key(String instance, String resourceType) {
	}

	private record Row(long read, long written, OffsetDateTime syncedUntil, OffsetDateTime lastSuccessAt, int consecutiveFailures) {
	}

	private final JdbcClient jdbc;
	private final MeterRegistry registry;
	private final Clock clock;
	private final Map<Key, Row> rows = new ConcurrentHashMap<>();
	private final Map<String, Long> deadLetters = new ConcurrentHashMap<>();
	private final Set<Key> registered = ConcurrentHashMap.newKeySet();
	private final Set<String> registeredInstances = ConcurrentHashMap.newKeySet();

	ConnectorMetrics(JdbcClient jdbc, MeterRegistry registry) {
		this.jdbc = jdbc;
		this.registry = registry;
		this.clock = Clock.systemUTC();
	}

	/** Reads the connector state again; meters of instances and types seen for the first time are registered. */
	public void refresh() {
		jdbc.sql("""
				select instance, resource_type, records_read, resources, synced_until, last_success_at, consecutive_failures
				from connector_state""")
				.query(rs -> {
					Key key = new Key(rs.getString(1), rs.getString(2));
					rows.put(key, new Row(rs.getLong(3), rs.getLong(4), rs.getObject(5, OffsetDateTime.class),
							rs.getObject(6, OffsetDateTime.class), rs.getInt(7)));
					if (registered.add(key)) {
						register(key);
					}
				});
		jdbc.sql("select connector, count(*) from dead_letter group by connector")
				.query(rs -> {
					String instance = rs.getString(1);
					deadLetters.put(instance, rs.getLong(2));
					if (registeredInstances.add(instance)) {
						FunctionCounter.builder("connector.records.failed", this, m -> m.deadLetters.getOrDefault(instance, 0L))
								.description("Records of the instance that went to the dead letters (refused by the hub or the source)")
								.tag("instance", instance).register(registry);
					}
				});
	}

	private void register(Key key) {
		String[] tags = {"instance", key.instance(), "resource_type", key.resourceType()};
		FunctionCounter.builder("connector.records.read", this, m -> m.row(key).read())
				.description("Records read from the source").tags(tags).register(registry);
		FunctionCounter.builder("connector.records.written", this, m -> m.row(key).written())
				.description("Records written to the hub (an unchanged record written again counts; the hub keeps no new version)")
				.tags(tags).register(registry);
		Gauge.builder("connector.lag", this, m -> m.secondsSince(m.row(key).syncedUntil()))
				.description("How far the hub may be behind the source: time since the point up to which every source change is in"
						+ " the hub (start of the last successful run; an export's transactionTime)")
				.baseUnit("seconds").tags(tags).register(registry);
		Gauge.builder("connector.last.success.timestamp", this, m -> m.epochSeconds(m.row(key).lastSuccessAt()))
				.description("End of the last successful run (Unix time); absent before the first")
				.baseUnit("seconds").tags(tags).register(registry);
		Gauge.builder("connector.consecutive.failures", this, m -> m.row(key).consecutiveFailures())
				.description("Failed runs in a row; 0 after a success").tags(tags).register(registry);
	}

	private Row row(Key key) {
		return rows.getOrDefault(key, new Row(0, 0, null, null, 0));
	}

	private double secondsSince(OffsetDateTime t) {
		return t == null ? Double.NaN : (clock.millis() - t.toInstant().toEpochMilli()) / 1000.0;
	}

	private double epochSeconds(OffsetDateTime t) {
		return t == null ? Double.NaN : t.toInstant().toEpochMilli() / 1000.0;
	}
}
