package dev.patient360.routes.hl7v2;

import java.nio.charset.StandardCharsets;

import dev.patient360.routes.common.ConnectorRouteConfiguration;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mllp.MllpConstants;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * {@code hl7v2-mllp-inbox}: receives MLLP frames and answers each with the ACK
 * {@link Hl7v2MllpListener} decided on. camel-mllp's own ACKs are off (autoAck=false) because they
 * would go out before the inbox commit.
 */
@Component
@ConditionalOnProperty(name = "routes.hl7v2.enabled", havingValue = "true", matchIfMissing = true)
class Hl7v2MllpRoute extends RouteBuilder {

	static final String ROUTE_ID = "hl7v2-mllp-inbox";
	static final String AFTER_COMMIT_ROUTE_ID = "hl7v2-mllp-after-commit";

	private final Hl7v2Properties props;
	private final Hl7v2MllpListener listener;

	Hl7v2MllpRoute(Hl7v2Properties props, Hl7v2MllpListener listener) {
		this.props = props;
		this.listener = listener;
	}

	@Override
	public void configure() {
		listen(ROUTE_ID, props.port(), false);
		if (props.afterCommitPort() > 0) {
			listen(AFTER_COMMIT_ROUTE_ID, props.afterCommitPort(), true);
		}
	}

	private void listen(String routeId, int port, boolean afterCommit) {
		// reuseAddress: after a crash, connections of the killed process linger in TIME_WAIT and
		// would keep the restarted listener from binding its port.
		fromF("mllp://%s:%d?autoAck=false&hl7Headers=false&validatePayload=false&stringPayload=false"
				+ "&requireEndOfData=false&maxConcurrentConsumers=64&reuseAddress=true", props.host(), port)
				.routeId(routeId)
				.routeConfigurationId(ConnectorRouteConfiguration.ID)
				.process(exchange -> {
					byte[] raw = exchange.getMessage().getBody(byte[].class);
					String ack = listener.receive(raw == null ? new byte[0] : raw, afterCommit);
					exchange.setProperty(MllpConstants.MLLP_ACKNOWLEDGEMENT, ack.getBytes(StandardCharsets.UTF_8));
				});
	}
}
