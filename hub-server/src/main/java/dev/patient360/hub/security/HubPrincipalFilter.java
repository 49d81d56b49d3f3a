package dev.patient360.hub.security;

import java.io.IOException;
import java.util.function.Supplier;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Puts the caller's {@link HubPrincipal} on the request (attribute {@link HubPrincipal#REQUEST_ATTRIBUTE}),
 * after Spring Security authenticated the bearer token, so HAPI interceptors see who calls without
 * knowing Spring Security. Not a Spring bean: registered only inside the security filter chain.
 */
class HubPrincipalFilter extends OncePerRequestFilter {

	private final Supplier<HubPrincipal> withoutToken;

	private HubPrincipalFilter(Supplier<HubPrincipal> withoutToken) {
		this.withoutToken = withoutToken;
	}

	/** Security enabled: the token's principal, or the {@linkplain HubPrincipal#anonymous() anonymous} one on public endpoints. */
	static HubPrincipalFilter fromTokens() {
		return new HubPrincipalFilter(HubPrincipal::anonymous);
	}

	/** Security disabled: every request is {@linkplain HubPrincipal#securityDisabled() unrestricted}. */
	static HubPrincipalFilter securityDisabled() {
		return new HubPrincipalFilter(HubPrincipal::securityDisabled);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		HubPrincipal principal = authentication instanceof JwtAuthenticationToken jwt
				? HubPrincipal.fromToken(jwt.getToken().getClaims())
				: withoutToken.get();
		request.setAttribute(HubPrincipal.REQUEST_ATTRIBUTE, principal);
		chain.doFilter(request, response);
	}
}
