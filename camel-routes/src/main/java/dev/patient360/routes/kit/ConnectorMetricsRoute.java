package dev.patient360.routes.kit;

import dev.patient360.routes.common.ConnectorRouteConfiguration;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/** Reads the connector state into {@link ConnectorMetrics} every {@code routes.connectors.metrics-period}. */
@Component
class ConnectorMetricsRoute extends RouteBuilder {

	static final String ROUTE_ID = "connector-metrics";

	private final ConnectorsProperties props;
	private final ConnectorMetrics metrics;

	ConnectorMetricsRoute(ConnectorsProperties props, ConnectorMetrics metrics) {
		this.props = props;
		this.metrics = metrics;
	}

	@Override
	public void configure() {
		fromF("timer:%s?period=%d", ROUTE_ID, props.metricsPeriod().toMillis())
				.routeId(ROUTE_ID)
				.routeConfigurationId(ConnectorRouteConfiguration.ID)
				.process(exchange -> metrics.refresh());
	}
}
