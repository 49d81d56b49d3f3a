package dev.patient360.hub.security;

import java.time.Duration;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import dev.patient360.hub.errors.HubErrorCode;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Who the hub trusts to identify its callers. Secure by default: with security enabled and no
 * issuer the hub does not start.
 *
 * @param mode           {@code enabled} (default) or {@code disabled} ({@code HUB_SECURITY}); disabled
 *                       serves every caller unrestricted and says so on every start and in the
 *                       CapabilityStatement: local development only
 * @param oidcIssuer     the OpenID Connect issuer whose tokens the hub accepts ({@code HUB_OIDC_ISSUER}),
 *                       e.g. {@code http://127.0.0.1:8180/realms/patient360}; it must equal the tokens'
 *                       {@code iss} exactly ({@code localhost} is not {@code 127.0.0.1}). The signing
 *                       keys come from its discovery document, fetched on first use, so an
 *                       unreachable identity provider does not stop the hub from starting
 * @param oidcAudience   the value a token's {@code aud} must contain ({@code HUB_OIDC_AUDIENCE})
 * @param clockSkew      tolerance for {@code exp} and {@code nbf} between the hub's clock and the
 *                       identity provider's ({@code HUB_OIDC_CLOCK_SKEW})
 * @param discoveryTtl   how long the identity provider's discovery document is reused before it is
 *                       fetched again ({@code HUB_OIDC_DISCOVERY_TTL})
 */
@Validated
@ConfigurationProperties("hub.security")
public record HubSecurityProperties(
		@NotNull @DefaultValue("enabled") Mode mode,
		String oidcIssuer,
		@NotBlank @DefaultValue("patient360-hub") String oidcAudience,
		@NotNull @DefaultValue("30s") Duration clockSkew,
		@NotNull @DefaultValue("5m") Duration discoveryTtl) {

	public enum Mode {
		ENABLED, DISABLED
	}

	public HubSecurityProperties {
		if (mode == Mode.ENABLED && (oidcIssuer == null || oidcIssuer.isBlank())) {
			throw new IllegalArgumentException(HubErrorCode.SECURITY_ISSUER_MISSING.message(
					"security is enabled but HUB_OIDC_ISSUER is not set; the hub does not start without an "
							+ "identity provider. Set HUB_OIDC_ISSUER (e.g. http://127.0.0.1:8180/realms/patient360), "
							+ "or HUB_SECURITY=disabled for a local run without any access control"));
		}
		if (oidcIssuer != null) {
			oidcIssuer = oidcIssuer.strip();
		}
		if (clockSkew != null && (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofMinutes(5)) > 0)) {
			throw new IllegalArgumentException("hub.security.clock-skew must be between 0 and 5 minutes");
		}
	}

	public boolean enabled() {
		return mode == Mode.ENABLED;
	}
}
