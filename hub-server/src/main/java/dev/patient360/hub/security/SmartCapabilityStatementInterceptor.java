package dev.patient360.hub.security;

import java.util.Map;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;

import dev.patient360.hub.fhir.HubInterceptor;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.UriType;
import org.springframework.stereotype.Component;

/**
 * States in the CapabilityStatement how the hub is secured: SMART on FHIR with the identity
 * provider's token and authorize endpoints ({@code rest.security}), or, with security disabled, that
 * it is not secured at all.
 */
@Component
@Interceptor
class SmartCapabilityStatementInterceptor implements HubInterceptor {

	static final String OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";
	static final String SECURITY_SERVICE_SYSTEM = "http://terminology.hl7.org/CodeSystem/restful-security-service";
	/** Marks a CapabilityStatement of a hub running with {@code HUB_SECURITY=disabled}. */
	public static final String SECURITY_DISABLED_EXTENSION =
			"https://fhir.patient360.dev/StructureDefinition/security-disabled";

	private final OidcDiscovery discovery;

	SmartCapabilityStatementInterceptor(OidcDiscovery discovery) {
		this.discovery = discovery;
	}

	@Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
	void describeSecurity(IBaseConformance generated) {
		if (!(generated instanceof CapabilityStatement statement)) {
			return;
		}
		for (CapabilityStatement.CapabilityStatementRestComponent rest : statement.getRest()) {
			rest.setSecurity(discovery.issuer().isPresent() ? smart() : disabled());
		}
		if (discovery.issuer().isEmpty()) {
			statement.getImplementation().setDescription("Patient 360 Hub - SECURITY DISABLED");
		}
	}

	private CapabilityStatement.CapabilityStatementRestSecurityComponent smart() {
		CapabilityStatement.CapabilityStatementRestSecurityComponent security =
				new CapabilityStatement.CapabilityStatementRestSecurityComponent();
		security.setCors(false);
		security.addService(new CodeableConcept(new org.hl7.fhir.r4.model.Coding(
				SECURITY_SERVICE_SYSTEM, "SMART-on-FHIR", "SMART-on-FHIR")));
		security.setDescription("OAuth2 bearer tokens (SMART App Launch v2, SMART Backend Services) issued by "
				+ discovery.issuer().orElseThrow() + "; discovery at .well-known/smart-configuration");
		try {
			Map<String, Object> oidc = discovery.document();
			Extension uris = security.addExtension().setUrl(OAUTH_URIS);
			addUri(uris, "token", oidc.get("token_endpoint"));
			addUri(uris, "authorize", oidc.get("authorization_endpoint"));
			addUri(uris, "revoke", oidc.get("revocation_endpoint"));
			addUri(uris, "introspect", oidc.get("introspection_endpoint"));
		}
		catch (IdentityProviderUnavailableException e) {
			// The statement stays valid without the endpoints; smart-configuration answers 503 meanwhile.
			security.setDescription(security.getDescription() + " (identity provider currently unreachable)");
		}
		return security;
	}

	private static void addUri(Extension uris, String name, Object value) {
		if (value instanceof String uri && !uri.isBlank()) {
			uris.addExtension(name, new UriType(uri));
		}
	}

	private static CapabilityStatement.CapabilityStatementRestSecurityComponent disabled() {
		CapabilityStatement.CapabilityStatementRestSecurityComponent security =
				new CapabilityStatement.CapabilityStatementRestSecurityComponent();
		security.setDescription(SecurityDisabledWarning.MESSAGE);
		security.addExtension(SECURITY_DISABLED_EXTENSION, new org.hl7.fhir.r4.model.BooleanType(true));
		return security;
	}
}
