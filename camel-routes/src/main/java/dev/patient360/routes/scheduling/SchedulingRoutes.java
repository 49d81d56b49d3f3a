package dev.patient360.routes.scheduling;

import dev.patient360.routes.common.ConnectorRouteConfiguration;
import dev.patient360.routes.kit.ConnectorsProperties;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * Route templates {@code scheduling-json} and {@code ical-feed} (a timer per instance; the timer does
 * not fire again while a pull runs), one templated route {@code connector-<id>} per configured
 * instance, and {@code scheduling-webhook-processor}, which applies stored webhook deliveries.
 */
@Component
class SchedulingRoutes extends RouteBuilder {

	private final ConnectorsProperties props;
	private final SchedulingJsonPuller bookings;
	private final IcalFeedPuller ical;
	private final SchedulingWebhookProcessor webhooks;

	SchedulingRoutes(ConnectorsProperties props, SchedulingJsonPuller bookings, IcalFeedPuller ical,
			SchedulingWebhookProcessor webhooks) {
		this.props = props;
		this.bookings = bookings;
		this.ical = ical;
		this.webhooks = webhooks;
	}

	@Override
	public void configure() {
		routeTemplate(SchedulingJsonPuller.TYPE)
				.templateParameter("instance")
				.templateParameter("period")
				.from("timer:connector-{{instance}}?delay=1000&period={{period}}")
				.setHeader("p360Connector", constant("{{instance}}"))
				.process(exchange -> bookings.pull(exchange.getMessage().getHeader("p360Connector", String.class)));
		routeTemplate(IcalFeedPuller.TYPE)
				.templateParameter("instance")
				.templateParameter("period")
				.from("timer:connector-{{instance}}?delay=1000&period={{period}}")
				.setHeader("p360Connector", constant("{{instance}}"))
				.process(exchange -> ical.pull(exchange.getMessage().getHeader("p360Connector", String.class)));
		boolean webhooksConfigured = false;
		for (ConnectorsProperties.Instance i : props.instances()) {
			if (SchedulingJsonPuller.TYPE.equals(i.type()) || IcalFeedPuller.TYPE.equals(i.type())) {
				templatedRoute(i.type()).routeId("connector-" + i.id())
						.parameter("instance", i.id())
						.parameter("period", String.valueOf(i.schedule().toMillis()));
			}
			webhooksConfigured |= i.options().containsKey(SchedulingWebhookController.SECRET_OPTION);
		}
		if (webhooksConfigured) {
			from("timer:scheduling-webhook-processor?delay=500&period=500")
					.routeId("scheduling-webhook-processor")
					.routeConfigurationId(ConnectorRouteConfiguration.ID)
					.process(exchange -> webhooks.processPending());
		}
	}
}
