package dev.patient360.routes.deadletter;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Who may operate the connector app's REST API ({@code /api/**}).
 *
 * @param oidcIssuer issuer of the tokens it accepts ({@code ROUTES_OIDC_ISSUER}), e.g.
 *     {@code http://127.0.0.1:8180/realms/patient360}; blank = the API refuses every request
 * @param role realm role a caller needs ({@code ROUTES_ADMIN_ROLE})
 */
@Validated
@ConfigurationProperties("routes.admin")
public record AdminSecurityProperties(String oidcIssuer, @DefaultValue("integration-engineer") String role) {

	boolean enabled() {
		return oidcIssuer != null && !oidcIssuer.isBlank();
	}
}
