package dev.patient360.routes.fhirbulk;

import dev.patient360.routes.kit.ConnectorsProperties;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * The {@code fhir-bulk} route template (a timer per instance; the timer does not fire again while
 * an export runs) and one templated route {@code connector-<id>} per configured instance of this type.
 */
@Component
class FhirBulkRoutes extends RouteBuilder {

	private final ConnectorsProperties props;
	private final FhirBulkPuller puller;

	FhirBulkRoutes(ConnectorsProperties props, FhirBulkPuller puller) {
		this.props = props;
		this.puller = puller;
	}

	@Override
	public void configure() {
		routeTemplate(FhirBulkPuller.TYPE)
				.templateParameter("instance")
				.templateParameter("period")
				.from("timer:connector-{{instance}}?delay=1000&period={{period}}")
				.setHeader("p360Connector", constant("{{instance}}"))
				.process(exchange -> puller.pullIfDue(exchange.getMessage().getHeader("p360Connector", String.class)));
		for (ConnectorsProperties.Instance i : props.instances()) {
			if (FhirBulkPuller.TYPE.equals(i.type())) {
				templatedRoute(FhirBulkPuller.TYPE).routeId("connector-" + i.id())
						.parameter("instance", i.id())
						.parameter("period", String.valueOf(i.schedule().toMillis()));
			}
		}
	}
}
