package dev.patient360.routes.kit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.patient360.routes.common.HubClient;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The hub client an instance writes with: the app's own ({@code ROUTES_CLIENT_ID}) unless the
 * instance names its own hub client with {@code options.hub-client-id} and the environment variable
 * holding its secret with {@code options.hub-client-secret-env}. With security on, the hub accepts
 * only records tagged with the token's {@code source_system}, so each source writes as its own client.
 */
@Component
public class InstanceHubClients {

	public static final String CLIENT_ID_OPTION = "hub-client-id";
	public static final String CLIENT_SECRET_ENV_OPTION = "hub-client-secret-env";

	private final HubClient hub;
	private final Environment env;
	private final Map<String, HubClient> clients = new ConcurrentHashMap<>();

	InstanceHubClients(HubClient hub, Environment env) {
		this.hub = hub;
		this.env = env;
	}

	public HubClient of(ConnectorsProperties.Instance instance) {
		String clientId = instance.options().get(CLIENT_ID_OPTION);
		if (clientId == null || clientId.isBlank()) {
			return hub;
		}
		return clients.computeIfAbsent(instance.id(), k -> {
			String secretEnv = instance.options().get(CLIENT_SECRET_ENV_OPTION);
			String secret = secretEnv == null ? null : env.getProperty(secretEnv);
			if (secret == null || secret.isBlank()) {
				throw new IllegalStateException("HUB-5068 instance " + instance.id() + " names hub client " + clientId
						+ " but no secret variable (" + CLIENT_SECRET_ENV_OPTION + ") is set");
			}
			return hub.as(clientId, secret);
		});
	}
}
