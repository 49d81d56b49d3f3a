package dev.patient360.routes.common;

import java.io.IOException;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Error handling every connector route uses ({@code .routeConfigurationId(ID)}).
 *
 * <p>Failures are not marked handled: the exception reaches the route's consumer, which then
 * refuses what it was given (an HL7 v2 AE, a non-2xx to a webhook, a file left in place, a watermark
 * not advanced). That is how "durable before acknowledged" holds when something breaks.
 */
@Component
public class ConnectorRouteConfiguration extends RouteConfigurationBuilder {

	public static final String ID = "connector-defaults";

	static final int MAX_REDELIVERIES = 3;
	static final long FIRST_REDELIVERY_DELAY_MS = 1_000;

	private static final Logger log = LoggerFactory.getLogger(ConnectorRouteConfiguration.class);

	@Override
	public void configuration() {
		routeConfiguration(ID)
				// A hub or source that is briefly unreachable (restart, failover) is the common
				// failure; a few spaced retries ride it out before the consumer has to refuse.
				.onException(IOException.class)
					.maximumRedeliveries(MAX_REDELIVERIES)
					.redeliveryDelay(FIRST_REDELIVERY_DELAY_MS)
					.useExponentialBackOff()
					.logRetryAttempted(false)
					.logExhausted(false)
					.process(ConnectorRouteConfiguration::logFailure)
				.end()
				// Anything else is not going to improve by retrying the same message.
				.onException(Exception.class)
					.maximumRedeliveries(0)
					.logExhausted(false)
					.process(ConnectorRouteConfiguration::logFailure);
	}

	/**
	 * Exception messages can quote message content (names, identifiers), so above DEBUG only the
	 * route, exchange and exception type are logged.
	 */
	static void logFailure(Exchange exchange) {
		Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
		String type = failure == null ? "unknown" : failure.getClass().getName();
		log.warn("Route {} failed exchange {}: {}", exchange.getFromRouteId(), exchange.getExchangeId(), type);
		log.debug("Failure detail for exchange {}", exchange.getExchangeId(), failure);
	}
}
