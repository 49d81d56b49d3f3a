package dev.patient360.routes.common;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How connectors authenticate to the hub (OAuth 2.0 client credentials against Keycloak).
 *
 * @param tokenUrl the token endpoint ({@code ROUTES_OIDC_TOKEN_URL}); blank = no token, for a hub
 *     running with {@code HUB_SECURITY=disabled}
 * @param clientId client id ({@code ROUTES_CLIENT_ID}), an {@code ehr-source} client
 * @param clientSecret its secret ({@code ROUTES_CLIENT_SECRET})
 * @param refreshBefore a token is renewed this long before it expires ({@code ROUTES_TOKEN_REFRESH_BEFORE})
 * @param requestTimeout timeout of one hub or token request ({@code ROUTES_HUB_REQUEST_TIMEOUT})
 */
@Validated
@ConfigurationProperties("routes.auth")
public record HubClientProperties(
		URI tokenUrl,
		String clientId,
		String clientSecret,
		@NotNull @DefaultValue("30s") Duration refreshBefore,
		@NotNull @DefaultValue("30s") Duration requestTimeout) {

	public boolean enabled() {
		return tokenUrl != null && !tokenUrl.toString().isBlank();
	}
}
