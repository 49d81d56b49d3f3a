package dev.patient360.hub.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

class HubPrincipalFilterTest {

	@AfterEach
	void clearContext() {
		SecurityContextHolder.clearContext();
	}

	@Test
	void aValidatedTokenBecomesThePrincipalOfTheRequest() throws Exception {
		Jwt jwt = Jwt.withTokenValue("t").header("alg", "RS256")
				.issuedAt(Instant.now()).expiresAt(Instant.now().plusSeconds(60))
				.claim("azp", "demo-clinic").subject("service-account-id")
				.claim("realm_access", Map.of("roles", List.of("partner-clinic", "default-roles-patient360")))
				.claim("scope", "user/Patient.rs user/Encounter.rs")
				.claim("organization", "demo-clinic")
				.build();
		SecurityContextHolder.getContext().setAuthentication(new JwtAuthenticationToken(jwt));

		HubPrincipal principal = filter(HubPrincipalFilter.fromTokens());

		assertThat(principal.kind()).isEqualTo(HubPrincipal.Kind.TOKEN);
		assertThat(principal.clientId()).isEqualTo("demo-clinic");
		assertThat(principal.subject()).isEqualTo("service-account-id");
		assertThat(principal.parties()).containsExactly(Party.PARTNER_CLINIC);
		assertThat(principal.organizationId()).hasValue("demo-clinic");
		assertThat(principal.patientId()).isEmpty();
		assertThat(principal.scopes().grants(SmartScope.Context.USER, "Patient", Interaction.SEARCH)).isTrue();
		assertThat(principal.scopes().grants(SmartScope.Context.USER, "Patient", Interaction.CREATE)).isFalse();
		assertThat(principal.unrestricted()).isFalse();
	}

	@Test
	void withoutATokenOnAPublicEndpointThePrincipalIsAnonymousAndGrantedNothing() throws Exception {
		HubPrincipal principal = filter(HubPrincipalFilter.fromTokens());

		assertThat(principal.kind()).isEqualTo(HubPrincipal.Kind.TOKEN);
		assertThat(principal.parties()).isEmpty();
		assertThat(principal.scopes().scopes()).isEmpty();
		assertThat(principal.unrestricted()).isFalse();
	}

	@Test
	void withSecurityDisabledEveryRequestIsUnrestricted() throws Exception {
		HubPrincipal principal = filter(HubPrincipalFilter.securityDisabled());

		assertThat(principal.kind()).isEqualTo(HubPrincipal.Kind.SECURITY_DISABLED);
		assertThat(principal.unrestricted()).isTrue();
	}

	@Test
	void clientIdFallsBackToClientIdClaimAndSubjectToClientId() {
		HubPrincipal principal = HubPrincipal.fromToken(Map.of("client_id", "other-idp-client",
				"scope", List.of("system/Patient.rs"), "source_system", "ehr-x"));

		assertThat(principal.clientId()).isEqualTo("other-idp-client");
		assertThat(principal.subject()).isEqualTo("other-idp-client");
		assertThat(principal.sourceSystem()).hasValue("ehr-x");
		assertThat(principal.scopes().grants(SmartScope.Context.SYSTEM, "Patient", Interaction.READ)).isTrue();
	}

	private static HubPrincipal filter(HubPrincipalFilter filter) throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/fhir/Patient");
		MockFilterChain chain = new MockFilterChain();
		filter.doFilter(request, new MockHttpServletResponse(), chain);
		assertThat(chain.getRequest()).isSameAs(request);
		return (HubPrincipal) request.getAttribute(HubPrincipal.REQUEST_ATTRIBUTE);
	}
}
