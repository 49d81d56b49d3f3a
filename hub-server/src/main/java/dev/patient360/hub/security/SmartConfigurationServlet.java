package dev.patient360.hub.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.patient360.hub.errors.HubErrorCode;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * SMART App Launch v2 discovery ({@code GET /fhir/.well-known/smart-configuration}): how a client
 * gets a token for this hub. Endpoints and key set come from the identity provider's OpenID
 * discovery document; what the hub itself supports (scopes syntax, client authentication for
 * Backend Services) is stated here. Its own servlet because the path sits inside HAPI's {@code /fhir/*}
 * mapping, and an exact servlet mapping wins over a prefix one.
 */
class SmartConfigurationServlet extends HttpServlet {

	static final String PATH = "/fhir/.well-known/smart-configuration";

	/** What the hub and its Keycloak realm actually support; each entry is documented in docs/security.md. */
	static final List<String> CAPABILITIES = List.of(
			"client-confidential-asymmetric",
			"client-confidential-symmetric",
			"permission-v1",
			"permission-v2",
			"permission-patient",
			"permission-user");

	/** SMART Backend Services: RS384 and ES384 for client assertions, if the identity provider offers them. */
	private static final List<String> ASSERTION_ALGORITHMS = List.of("RS384", "ES384");

	private final transient OidcDiscovery discovery;
	private final transient ObjectMapper json;
	private final transient SecurityErrorResponses errors;

	SmartConfigurationServlet(OidcDiscovery discovery, ObjectMapper json, FhirContext fhirContext) {
		this.discovery = discovery;
		this.json = json;
		this.errors = new SecurityErrorResponses(fhirContext);
	}

	@Override
	protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
		if (discovery.issuer().isEmpty()) {
			errors.write(response, 404, OperationOutcome.IssueType.NOTFOUND, HubErrorCode.SMART_DISCOVERY_DISABLED
					.message("security is disabled (HUB_SECURITY=disabled): there is no identity provider to discover"));
			return;
		}
		Map<String, Object> document;
		try {
			document = discovery.document();
		}
		catch (IdentityProviderUnavailableException e) {
			response.setHeader("Retry-After", SecurityErrorResponses.RETRY_AFTER_SECONDS);
			errors.write(response, 503, OperationOutcome.IssueType.TRANSIENT, e.getMessage());
			return;
		}
		byte[] body = json.writeValueAsString(smartConfiguration(document)).getBytes(StandardCharsets.UTF_8);
		response.setStatus(200);
		response.setContentType("application/json;charset=UTF-8");
		response.setHeader("Cache-Control", "max-age=300");
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
	}

	static Map<String, Object> smartConfiguration(Map<String, Object> oidc) {
		Map<String, Object> smart = new LinkedHashMap<>();
		smart.put("issuer", oidc.get("issuer"));
		smart.put("jwks_uri", oidc.get("jwks_uri"));
		smart.put("authorization_endpoint", oidc.get("authorization_endpoint"));
		smart.put("token_endpoint", oidc.get("token_endpoint"));
		putIfPresent(smart, "introspection_endpoint", oidc);
		putIfPresent(smart, "revocation_endpoint", oidc);
		smart.put("grant_types_supported", offered(oidc, "grant_types_supported",
				List.of("authorization_code", "client_credentials")));
		smart.put("token_endpoint_auth_methods_supported", offered(oidc, "token_endpoint_auth_methods_supported",
				List.of("private_key_jwt", "client_secret_basic", "client_secret_post")));
		smart.put("token_endpoint_auth_signing_alg_values_supported",
				offered(oidc, "token_endpoint_auth_signing_alg_values_supported", ASSERTION_ALGORITHMS));
		smart.put("scopes_supported", scopes(oidc));
		smart.put("response_types_supported", List.of("code"));
		smart.put("code_challenge_methods_supported", offered(oidc, "code_challenge_methods_supported", List.of("S256")));
		smart.put("capabilities", CAPABILITIES);
		return smart;
	}

	private static void putIfPresent(Map<String, Object> smart, String key, Map<String, Object> oidc) {
		if (oidc.get(key) != null) {
			smart.put(key, oidc.get(key));
		}
	}

	/** The wanted values the identity provider also lists (all wanted ones when it lists none). */
	private static List<String> offered(Map<String, Object> oidc, String key, List<String> wanted) {
		if (!(oidc.get(key) instanceof Collection<?> listed)) {
			return wanted;
		}
		return wanted.stream().filter(listed::contains).toList();
	}

	/** SMART resource scopes the identity provider hands out, plus the launch context scopes. */
	private static List<String> scopes(Map<String, Object> oidc) {
		Set<String> scopes = new LinkedHashSet<>();
		if (oidc.get("scopes_supported") instanceof Collection<?> listed) {
			for (Object scope : listed) {
				String s = String.valueOf(scope);
				if (SmartScope.parse(s).isPresent() || "openid".equals(s) || "offline_access".equals(s)) {
					scopes.add(s);
				}
			}
		}
		List<String> sorted = new ArrayList<>(scopes);
		sorted.sort(null);
		return sorted;
	}
}
