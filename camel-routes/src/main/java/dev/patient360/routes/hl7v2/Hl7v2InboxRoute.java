package dev.patient360.routes.hl7v2;

import dev.patient360.routes.common.ConnectorRouteConfiguration;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/** {@code hl7v2-inbox-processor}: drains the inbox into the hub every {@code pollPeriod}. */
@Component
@ConditionalOnProperty(name = "routes.hl7v2.enabled", havingValue = "true", matchIfMissing = true)
class Hl7v2InboxRoute extends RouteBuilder {

	static final String ROUTE_ID = "hl7v2-inbox-processor";

	private final Hl7v2Properties props;
	private final Hl7v2InboxProcessor processor;

	Hl7v2InboxRoute(Hl7v2Properties props, Hl7v2InboxProcessor processor) {
		this.props = props;
		this.processor = processor;
	}

	@Override
	public void configure() {
		fromF("timer:%s?period=%d&delay=%d", ROUTE_ID, props.pollPeriod().toMillis(), props.pollPeriod().toMillis())
				.routeId(ROUTE_ID)
				.routeConfigurationId(ConnectorRouteConfiguration.ID)
				.process(exchange -> processor.drain());
	}
}
