package dev.patient360.routes.common;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;

import dev.patient360.routes.RoutesProperties;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * Checks periodically that the hub's FHIR API answers, by reading its CapabilityStatement
 * ({@code GET [base]/metadata}), and publishes the result through {@link HubHealthIndicator}.
 */
@Component
class HubHeartbeatRoute extends RouteBuilder {

	static final String ROUTE_ID = "hub-heartbeat";

	private final RoutesProperties props;
	private final HubHealthIndicator hubHealth;
	private final HttpClient http;

	HubHeartbeatRoute(RoutesProperties props, HubHealthIndicator hubHealth) {
		this.props = props;
		this.hubHealth = hubHealth;
		this.http = HttpClient.newBuilder().connectTimeout(props.heartbeatTimeout()).build();
	}

	@Override
	public void configure() {
		fromF("timer:%s?period=%d", ROUTE_ID, props.heartbeatPeriod().toMillis())
				.routeId(ROUTE_ID)
				.routeConfigurationId(ConnectorRouteConfiguration.ID)
				.process(exchange -> check());
	}

	/**
	 * An unreachable hub is the outcome this route exists to report, not a route failure: it is
	 * recorded, and the next tick is the retry.
	 */
	void check() throws InterruptedException {
		URI url = props.metadataUrl();
		HttpRequest request = HttpRequest.newBuilder(url)
				.timeout(props.heartbeatTimeout())
				.header("Accept", "application/fhir+json")
				.GET()
				.build();
		try {
			HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
			hubHealth.answered(url.toString(), response.statusCode(), Instant.now());
		}
		catch (IOException e) {
			hubHealth.unreachable(url.toString(), e, Instant.now());
		}
	}
}
