package dev.patient360.routes.fhirr4;

import dev.patient360.routes.kit.ConnectorsProperties;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * The {@code fhir-r4} route template (a timer per instance; the timer does not fire again while a
 * pull runs) and one templated route {@code connector-<id>} per configured instance of this type.
 */
@Component
class FhirR4Routes extends RouteBuilder {

	private final ConnectorsProperties props;
	private final FhirR4Puller puller;

	FhirR4Routes(ConnectorsProperties props, FhirR4Puller puller) {
		this.props = props;
		this.puller = puller;
	}

	@Override
	public void configure() {
		routeTemplate(FhirR4Puller.TYPE)
				.templateParameter("instance")
				.templateParameter("period")
				.from("timer:connector-{{instance}}?delay=1000&period={{period}}")
				.setHeader("p360Connector", constant("{{instance}}"))
				.process(exchange -> puller.pullIfDue(exchange.getMessage().getHeader("p360Connector", String.class)));
		for (ConnectorsProperties.Instance i : props.instances()) {
			if (FhirR4Puller.TYPE.equals(i.type())) {
				templatedRoute(FhirR4Puller.TYPE).routeId("connector-" + i.id())
						.parameter("instance", i.id())
						.parameter("period", String.valueOf(i.schedule().toMillis()));
			}
		}
	}
}
