package dev.patient360.routes.deadletter;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.web.SecurityFilterChain;

/**
 * {@code /api/**} needs a bearer token from {@code ROUTES_OIDC_ISSUER} with the realm role
 * {@code ROUTES_ADMIN_ROLE} (Keycloak puts realm roles in {@code realm_access.roles}). Actuator
 * endpoints stay as they were: health and metrics carry no message content.
 */
@Configuration(proxyBeanMethods = false)
class AdminSecurityConfig {

	@Bean
	SecurityFilterChain adminApi(HttpSecurity http, AdminSecurityProperties props) throws Exception {
		http.csrf(csrf -> csrf.disable())
				.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
				.authorizeHttpRequests(auth -> {
					// The SMS gateway authenticates its receipts with an HMAC the controller checks.
					auth.requestMatchers(HttpMethod.POST, "/api/channels/sms/receipts").permitAll();
					// Webhook senders have no Keycloak token: each delivery is verified by its HMAC signature.
					auth.requestMatchers(org.springframework.http.HttpMethod.POST, "/api/webhooks/*").permitAll();
					if (props.enabled()) {
						auth.requestMatchers("/api/**").hasAuthority("ROLE_" + props.role());
					}
					else {
						auth.requestMatchers("/api/**").denyAll();
					}
					auth.anyRequest().permitAll();
				});
		if (props.enabled()) {
			http.oauth2ResourceServer(rs -> rs.jwt(jwt -> jwt.decoder(decoder(props)).jwtAuthenticationConverter(roles())));
		}
		return http.build();
	}

	/** Keys are fetched on first use, so the app starts while Keycloak is still starting. */
	private static JwtDecoder decoder(AdminSecurityProperties props) {
		String issuer = props.oidcIssuer().replaceAll("/+$", "");
		NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(issuer + "/protocol/openid-connect/certs").build();
		decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(JwtValidators.createDefaultWithIssuer(issuer)));
		return decoder;
	}

	private static JwtAuthenticationConverter roles() {
		JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
		converter.setJwtGrantedAuthoritiesConverter(jwt -> {
			Object realmAccess = jwt.getClaims().get("realm_access");
			if (realmAccess instanceof Map<?, ?> m && m.get("roles") instanceof Collection<?> roles) {
				return roles.stream().<GrantedAuthority>map(r -> new SimpleGrantedAuthority("ROLE_" + r)).toList();
			}
			return List.of();
		});
		return converter;
	}
}
