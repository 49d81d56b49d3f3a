package dev.patient360.routes.hl7v2;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.patient360.routes.common.ConnectorRouteConfiguration;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mllp.MllpConstants;
import org.apache.camel.support.jsse.ClientAuthentication;
import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.SSLContextServerParameters;
import org.apache.camel.support.jsse.SecureSocketProtocolsParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * {@code hl7v2-mllp-inbox}: receives MLLP frames and answers each with the ACK
 * {@link Hl7v2MllpListener} decided on. camel-mllp's own ACKs are off (autoAck=false) because they
 * would go out before the inbox commit. With {@code ROUTES_MLLP_TLS_KEYSTORE} set, both listeners
 * accept TLS connections only.
 */
@Component
@ConditionalOnProperty(name = "routes.hl7v2.enabled", havingValue = "true", matchIfMissing = true)
class Hl7v2MllpRoute extends RouteBuilder {

	static final String ROUTE_ID = "hl7v2-mllp-inbox";
	static final String AFTER_COMMIT_ROUTE_ID = "hl7v2-mllp-after-commit";
	private static final String TLS_BEAN = "hl7v2MllpTls";

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
		if (props.tls() && getCamelContext().getRegistry().lookupByName(TLS_BEAN) == null) {
			getCamelContext().getRegistry().bind(TLS_BEAN, tls(props));
		}
		// reuseAddress: after a crash, connections of the killed process linger in TIME_WAIT and
		// would keep the restarted listener from binding its port.
		fromF("mllp://%s:%d?autoAck=false&hl7Headers=false&validatePayload=false&stringPayload=false"
				+ "&requireEndOfData=false&maxConcurrentConsumers=64&reuseAddress=true%s", props.host(), port,
				props.tls() ? "&sslContextParameters=#" + TLS_BEAN : "")
				.routeId(routeId)
				.routeConfigurationId(ConnectorRouteConfiguration.ID)
				.process(exchange -> {
					byte[] raw = exchange.getMessage().getBody(byte[].class);
					String ack = listener.receive(raw == null ? new byte[0] : raw, afterCommit);
					exchange.setProperty(MllpConstants.MLLP_ACKNOWLEDGEMENT, ack.getBytes(StandardCharsets.UTF_8));
				});
	}

	/** TLS 1.2+ with the configured key; a truststore makes client certificates mandatory. */
	static SSLContextParameters tls(Hl7v2Properties props) {
		KeyStoreParameters keyStore = new KeyStoreParameters();
		keyStore.setResource("file:" + props.tlsKeystore());
		keyStore.setPassword(props.tlsKeystorePassword());
		KeyManagersParameters keys = new KeyManagersParameters();
		keys.setKeyStore(keyStore);
		keys.setKeyPassword(props.tlsKeystorePassword());
		SSLContextParameters tls = new SSLContextParameters();
		tls.setKeyManagers(keys);
		SecureSocketProtocolsParameters protocols = new SecureSocketProtocolsParameters();
		protocols.setSecureSocketProtocol(List.of("TLSv1.3", "TLSv1.2"));
		tls.setSecureSocketProtocols(protocols);
		SSLContextServerParameters server = new SSLContextServerParameters();
		if (props.clientCertificates()) {
			KeyStoreParameters trustStore = new KeyStoreParameters();
			trustStore.setResource("file:" + props.tlsTruststore());
			trustStore.setPassword(props.tlsTruststorePassword());
			TrustManagersParameters trust = new TrustManagersParameters();
			trust.setKeyStore(trustStore);
			tls.setTrustManagers(trust);
			server.setClientAuthentication(ClientAuthentication.REQUIRE.name());
		}
		else {
			server.setClientAuthentication(ClientAuthentication.NONE.name());
		}
		tls.setServerParameters(server);
		return tls;
	}
}
