package dev.patient360.hub.security;

import java.util.List;
import java.util.Objects;

import dev.patient360.hub.errors.HubErrorCode;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * Validates access tokens of the configured issuer: signature by one of the issuer's published keys
 * (JWKS from its discovery document, fetched on first use), asymmetric algorithms only (no
 * {@code none}, no HMAC, whose shared secret a resource server must never hold), exact {@code iss},
 * {@code aud} containing the hub, {@code exp} present and not passed, {@code nbf} reached, each
 * within the configured clock skew.
 *
 * <p>A token is either good (a {@link Jwt}), bad ({@link BadJwtException} → 401) or cannot be judged
 * because the identity provider is unreachable ({@link IdentityProviderUnavailableException} → 503).
 */
class IssuerJwtDecoder implements JwtDecoder {

	static final List<SignatureAlgorithm> ACCEPTED_ALGORITHMS = List.of(
			SignatureAlgorithm.RS256, SignatureAlgorithm.RS384, SignatureAlgorithm.RS512,
			SignatureAlgorithm.PS256, SignatureAlgorithm.PS384, SignatureAlgorithm.PS512,
			SignatureAlgorithm.ES256, SignatureAlgorithm.ES384, SignatureAlgorithm.ES512);

	private final OidcDiscovery discovery;
	private final OAuth2TokenValidator<Jwt> validator;
	private volatile NimbusJwtDecoder delegate;

	IssuerJwtDecoder(OidcDiscovery discovery, HubSecurityProperties props) {
		this.discovery = discovery;
		this.validator = new DelegatingOAuth2TokenValidator<>(List.of(
				new JwtTimestampValidator(props.clockSkew()),
				// Spring's timestamp check passes a token without exp; such a token would never expire.
				new JwtClaimValidator<Object>(JwtClaimNames.EXP, Objects::nonNull),
				new JwtIssuerValidator(props.oidcIssuer()),
				new JwtAudienceValidator(props.oidcAudience())));
	}

	@Override
	public Jwt decode(String token) {
		NimbusJwtDecoder decoder = delegate();
		try {
			return decoder.decode(token);
		}
		catch (BadJwtException bad) {
			throw bad;
		}
		catch (JwtException e) {
			// Not a verdict on the token: the key set could not be fetched (or read).
			throw new IdentityProviderUnavailableException(HubErrorCode.IDENTITY_PROVIDER_UNAVAILABLE.message("the identity provider's signing keys cannot be fetched; retry later"), e);
		}
	}

	private NimbusJwtDecoder delegate() {
		NimbusJwtDecoder decoder = delegate;
		if (decoder == null) {
			synchronized (this) {
				decoder = delegate;
				if (decoder == null) {
					String jwksUri = discovery.endpoint("jwks_uri").orElseThrow(() -> new IdentityProviderUnavailableException(
							HubErrorCode.IDENTITY_PROVIDER_UNAVAILABLE
									.message("the identity provider's discovery document names no jwks_uri"), null));
					decoder = NimbusJwtDecoder.withJwkSetUri(jwksUri)
							.jwsAlgorithms(algorithms -> algorithms.addAll(ACCEPTED_ALGORITHMS))
							.build();
					decoder.setJwtValidator(validator);
					delegate = decoder;
				}
			}
		}
		return decoder;
	}
}
