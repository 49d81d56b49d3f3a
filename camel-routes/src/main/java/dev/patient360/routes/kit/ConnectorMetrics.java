package dev.patient360.routes.kit;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;

import dev.patient360.routes.deadletter.DeadLetters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * The connectors on {@code /actuator/prometheus}, per instance and resource type: records read from
 * the source, written to the hub and dead-lettered, lag behind the source, last success and failures
 * in a row. Read from what {@code /api/connectors} shows ({@link ConnectorState}, {@link DeadLetters}),
 * so the figures survive a restart and agree with the status API; the {@code connector-metrics}
 * route reads them again every {@code routes.connectors.metrics-period}. An instance appears once it
 * has run.
 */
@Component
public class ConnectorMetrics {

	private record Key(String instance, String resourceType) {
	}

	private static final ConnectorState.Row NONE = new ConnectorState.Row(null, null, "NEW", null, null, null, null, 0, null,
			0, 0, null, 0);

	private final ConnectorState state;
	private final DeadLetters deadLetters;
	private final MeterRegistry registry;
	private final Clock clock = Clock.systemUTC();
	private volatile Map<Key, ConnectorState.Row> rows = Map.of();
	private volatile Map<String, Long> letters = Map.of();

	ConnectorMetrics(ConnectorState state, DeadLetters deadLetters, MeterRegistry registry) {
		this.state = state;
		this.deadLetters = deadLetters;
		this.registry = registry;
	}

	/**
	 * Reads the connector state again and registers the meters of instances and types seen for the
	 * first time (registering a meter the registry has returns the one it has).
	 */
	public void refresh() {
		Map<Key, ConnectorState.Row> read = new HashMap<>();
		for (ConnectorState.Row row : state.rows()) {
			read.put(new Key(row.instance(), row.resourceType()), row);
		}
		rows = read;
		letters = deadLetters.countsByConnector();
		read.keySet().forEach(this::register);
		letters.keySet().forEach(instance -> FunctionCounter
				.builder("connector.records.failed", this, m -> m.letters.getOrDefault(instance, 0L))
				.description("Records of the instance that went to the dead letters (refused by the hub or the source)")
				.tag("instance", instance).register(registry));
	}

	private void register(Key key) {
		String[] tags = {"instance", key.instance(), "resource_type", key.resourceType()};
		FunctionCounter.builder("connector.records.read", this, m -> m.row(key).recordsRead())
				.description("Records read from the source").tags(tags).register(registry);
		FunctionCounter.builder("connector.records.written", this, m -> m.row(key).resources())
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

	private ConnectorState.Row row(Key key) {
		return rows.getOrDefault(key, NONE);
	}

	private double secondsSince(OffsetDateTime t) {
		return t == null ? Double.NaN : (clock.millis() - t.toInstant().toEpochMilli()) / 1000.0;
	}

	private double epochSeconds(OffsetDateTime t) {
		return t == null ? Double.NaN : t.toInstant().toEpochMilli() / 1000.0;
	}
}
