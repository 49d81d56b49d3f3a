package dev.patient360.hub.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import ca.uhn.fhir.context.FhirContext;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The hub as an OAuth2 resource server. Spring Security only authenticates (is the bearer token
 * valid?) and guards the few non-FHIR endpoints; what a caller may do with FHIR data is decided by
 * HAPI interceptors from the {@link HubPrincipal} this chain puts on each request.
 *
 * <p>Public without a token: {@code GET /fhir/metadata}, {@code GET /fhir/.well-known/smart-configuration}
 * (clients need both to find out how to get a token), {@code /actuator/health/**} and
 * {@code /actuator/info} (probes of load balancers). {@code /actuator/prometheus} needs a token with
 * role {@code admin} or {@code integration-engineer}. Tracked links {@code GET /t/**} are public
 * (a patient's mail client or browser follows them; the token in the path is signed by the hub).
 * {@code GET /api/engagement/analytics} needs role {@code admin} or {@code auditor}. Everything else
 * needs a valid token.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class SecurityConfig {

	static final String ROLE_PREFIX = "ROLE_";
	/** Aggregated engagement figures (engagement package); no patient data, but business figures. */
	static final String ENGAGEMENT_ANALYTICS = "/api/engagement/analytics";

	@Bean
	SecurityFilterChain hubSecurity(HttpSecurity http, HubSecurityProperties props, OidcDiscovery discovery,
			FhirContext fhirContext) throws Exception {
		SecurityErrorResponses errors = new SecurityErrorResponses(fhirContext);
		http.csrf(AbstractHttpConfigurer::disable)
				.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
				.requestCache(AbstractHttpConfigurer::disable)
				.formLogin(AbstractHttpConfigurer::disable)
				.httpBasic(AbstractHttpConfigurer::disable)
				.logout(AbstractHttpConfigurer::disable)
				.anonymous(AbstractHttpConfigurer::disable)
				.exceptionHandling(e -> e.authenticationEntryPoint(errors).accessDeniedHandler(errors));
		if (!props.enabled()) {
			return http.authorizeHttpRequests(a -> a.anyRequest().permitAll())
					.addFilterBefore(HubPrincipalFilter.securityDisabled(), AuthorizationFilter.class)
					.build();
		}
		return http
				.authorizeHttpRequests(a -> a
						.requestMatchers(publicEndpoints()).permitAll()
						.requestMatchers(path(null, "/actuator/prometheus"))
						.hasAnyAuthority(ROLE_PREFIX + Party.ADMIN.role(), ROLE_PREFIX + Party.INTEGRATION_ENGINEER.role())
						.requestMatchers(path(HttpMethod.GET, ENGAGEMENT_ANALYTICS))
						.hasAnyAuthority(ROLE_PREFIX + Party.ADMIN.role(), ROLE_PREFIX + Party.AUDITOR.role())
						.anyRequest().authenticated())
				.oauth2ResourceServer(o -> o
						.jwt(j -> j.decoder(new IssuerJwtDecoder(discovery, props)).jwtAuthenticationConverter(authorities()))
						.authenticationEntryPoint(errors)
						.accessDeniedHandler(errors))
				.addFilterAfter(HubPrincipalFilter.fromTokens(), BearerTokenAuthenticationFilter.class)
				.build();
	}

	static RequestMatcher[] publicEndpoints() {
		return new RequestMatcher[] {
				path(HttpMethod.GET, "/fhir/metadata"),
				path(HttpMethod.GET, SmartConfigurationServlet.PATH),
				path(null, "/actuator/health"),
				path(null, "/actuator/health/**"),
				path(null, "/actuator/info"),
				// Tracked links in reminders: opened by patients without any token.
				path(HttpMethod.GET, "/t/**"),
				// Where the servlet container forwards errors; its content is decided by the original request.
				path(null, "/error")
		};
	}

	private static RequestMatcher path(HttpMethod method, String pattern) {
		return PathPatternRequestMatcher.withDefaults().matcher(method, pattern);
	}

	/** Realm roles become {@code ROLE_<role>}, scopes {@code SCOPE_<scope>}: for the non-FHIR endpoints only. */
	private static JwtAuthenticationConverter authorities() {
		JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
		converter.setPrincipalClaimName("azp");
		converter.setJwtGrantedAuthoritiesConverter(SecurityConfig::authorities);
		return converter;
	}

	private static Collection<GrantedAuthority> authorities(Jwt jwt) {
		List<GrantedAuthority> authorities = new ArrayList<>();
		if (jwt.getClaim("realm_access") instanceof Map<?, ?> realmAccess
				&& realmAccess.get("roles") instanceof Collection<?> roles) {
			roles.forEach(role -> authorities.add(new SimpleGrantedAuthority(ROLE_PREFIX + role)));
		}
		String scope = jwt.getClaimAsString("scope");
		if (scope != null && !scope.isBlank()) {
			for (String s : scope.trim().split("\\s+")) {
				authorities.add(new SimpleGrantedAuthority("SCOPE_" + s));
			}
		}
		return authorities;
	}
}
