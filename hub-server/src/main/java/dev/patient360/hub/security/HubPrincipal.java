package dev.patient360.hub.security;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;

/**
 * Who is calling, as every authorization, consent and audit decision in the hub sees it. Built once
 * per request from the validated access token and kept as a servlet request attribute, so HAPI
 * interceptors read it from {@link RequestDetails} without touching Spring Security.
 *
 * @param clientId       the OAuth client ({@code azp}, else {@code client_id}); for audit
 * @param subject        the token's {@code sub}; for audit
 * @param parties        the parties granted by the token's realm roles
 * @param scopes         the SMART resource scopes of the token
 * @param organizationId the logical id of the caller's Organization ({@link #CLAIM_ORGANIZATION})
 * @param patientId      the logical id of the Patient in context ({@link #CLAIM_PATIENT})
 * @param sourceSystem   the source system an {@code ehr-source} client writes for ({@link #CLAIM_SOURCE_SYSTEM})
 * @param kind           how the principal came about
 */
public record HubPrincipal(
		String clientId,
		String subject,
		Set<Party> parties,
		SmartScopes scopes,
		Optional<String> organizationId,
		Optional<String> patientId,
		Optional<String> sourceSystem,
		Kind kind) {

	/** Token claim with the caller's Organization logical id (set by a Keycloak hardcoded-claim mapper). */
	public static final String CLAIM_ORGANIZATION = "organization";
	/** Token claim with the Patient logical id a patient token is bound to. */
	public static final String CLAIM_PATIENT = "patient";
	/** Token claim with the source-system code an ehr-source client writes for. */
	public static final String CLAIM_SOURCE_SYSTEM = "source_system";

	/** Servlet request attribute under which the principal of the current request is kept. */
	public static final String REQUEST_ATTRIBUTE = HubPrincipal.class.getName();

	public enum Kind {
		/** A caller that presented a valid access token. */
		TOKEN,
		/** The hub itself (package installation, engagement engine, drains): never restricted. */
		SYSTEM,
		/** Any caller while {@code HUB_SECURITY=disabled}: unrestricted, audited as such. */
		SECURITY_DISABLED
	}

	public HubPrincipal {
		parties = parties.isEmpty() ? EnumSet.noneOf(Party.class) : EnumSet.copyOf(parties);
	}

	public static HubPrincipal system() {
		return new HubPrincipal("hub", "hub", Set.of(), new SmartScopes(java.util.List.of()),
				Optional.empty(), Optional.empty(), Optional.empty(), Kind.SYSTEM);
	}

	public static HubPrincipal securityDisabled() {
		return new HubPrincipal("anonymous", "anonymous", Set.of(), new SmartScopes(java.util.List.of()),
				Optional.empty(), Optional.empty(), Optional.empty(), Kind.SECURITY_DISABLED);
	}

	/**
	 * A caller without a token on one of the few public endpoints ({@code /fhir/metadata}, SMART
	 * discovery): a token principal with no party and no scope, so it is granted nothing.
	 */
	public static HubPrincipal anonymous() {
		return new HubPrincipal("anonymous", "anonymous", Set.of(), new SmartScopes(java.util.List.of()),
				Optional.empty(), Optional.empty(), Optional.empty(), Kind.TOKEN);
	}

	/**
	 * The principal of a validated access token, from its claims: {@code azp} (else
	 * {@code client_id}), {@code sub}, realm roles in {@code realm_access.roles}, the SMART
	 * {@code scope} string and the hub's own claims. Unknown roles and non-resource scopes are ignored.
	 */
	public static HubPrincipal fromToken(java.util.Map<String, Object> claims) {
		String clientId = text(claims.get("azp")).or(() -> text(claims.get("client_id"))).orElse("unknown");
		String subject = text(claims.get("sub")).orElse(clientId);
		EnumSet<Party> parties = EnumSet.noneOf(Party.class);
		if (claims.get("realm_access") instanceof java.util.Map<?, ?> realmAccess
				&& realmAccess.get("roles") instanceof java.util.Collection<?> roles) {
			roles.forEach(role -> Party.fromRole(String.valueOf(role)).ifPresent(parties::add));
		}
		Object scope = claims.get("scope");
		String scopes = scope instanceof java.util.Collection<?> list
				? String.join(" ", list.stream().map(String::valueOf).toList())
				: text(scope).orElse("");
		return new HubPrincipal(clientId, subject, parties, SmartScopes.parse(scopes),
				text(claims.get(CLAIM_ORGANIZATION)), text(claims.get(CLAIM_PATIENT)),
				text(claims.get(CLAIM_SOURCE_SYSTEM)), Kind.TOKEN);
	}

	private static Optional<String> text(Object value) {
		return value == null || String.valueOf(value).isBlank() ? Optional.empty() : Optional.of(String.valueOf(value));
	}

	/** True for the hub itself and for every caller when security is disabled. */
	public boolean unrestricted() {
		return kind != Kind.TOKEN;
	}

	public boolean is(Party party) {
		return parties.contains(party);
	}

	/**
	 * The principal of a request. Requests that did not come through the servlet (the hub's own DAO
	 * calls with a {@code SystemRequestDetails}) are the {@linkplain #system() system}. A servlet
	 * request without a principal is a wiring fault and fails closed.
	 */
	public static HubPrincipal of(RequestDetails request) {
		if (!(request instanceof ServletRequestDetails servlet) || servlet.getServletRequest() == null) {
			return system();
		}
		Object principal = servlet.getServletRequest().getAttribute(REQUEST_ATTRIBUTE);
		if (principal instanceof HubPrincipal hubPrincipal) {
			return hubPrincipal;
		}
		throw new IllegalStateException("HUB-0403: no principal on an incoming request");
	}
}
