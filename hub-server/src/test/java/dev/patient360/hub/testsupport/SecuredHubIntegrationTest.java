package dev.patient360.hub.testsupport;

import java.net.http.HttpResponse;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;

import dev.patient360.hub.HubApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the integration tests of access control: the hub with security enabled, trusting the
 * realm of a real Keycloak ({@link KeycloakServer}, started once per test JVM), on a database of its
 * own. All subclasses share one Spring context; keep its configuration identical.
 *
 * <p>Callers are the realm's demo clients ({@code demo-clinic}, {@code demo-ehr-jwt},
 * {@code demo-admin}, ... see docs/security.md): {@link #httpAs} and {@link #clientAs} fetch (and
 * cache) their tokens; {@link #httpWithToken} sends any token, e.g. one from {@link Tokens#forged()}.
 */
@SpringBootTest(classes = HubApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = {"hub.security.mode=enabled", "hub.engagement.tracking.secret=" + TestClock.TRACKING_SECRET})
public abstract class SecuredHubIntegrationTest extends HubHttpSupport {

	static {
		// Keycloak boots while HAPI does; the issuer property below waits for it only when read.
		KeycloakServer.startInBackground();
	}

	@DynamicPropertySource
	static void securedHub(DynamicPropertyRegistry registry) {
		TestDatabase db = TestDatabase.get("secured");
		registry.add("hub.db.url", db::jdbcUrl);
		registry.add("hub.db.user", db::user);
		registry.add("hub.security.oidc-issuer", () -> KeycloakServer.get().issuer());
		registry.add("hub.security.oidc-audience", () -> Tokens.HUB_AUDIENCE);
	}

	/** A raw HTTP exchange as a demo client (its token in the Authorization header). */
	protected HttpResponse<String> httpAs(String clientId, String method, String pathAndQuery, String body,
			String... headers) {
		return httpWithToken(Tokens.forClient(clientId), method, pathAndQuery, body, headers);
	}

	/** A raw HTTP exchange with this bearer token; {@code null} sends none. */
	protected HttpResponse<String> httpWithToken(String token, String method, String pathAndQuery, String body,
			String... headers) {
		if (token == null) {
			return http(method, pathAndQuery, body, headers);
		}
		String[] withToken = java.util.Arrays.copyOf(headers, headers.length + 2);
		withToken[headers.length] = "Authorization";
		withToken[headers.length + 1] = "Bearer " + token;
		return http(method, pathAndQuery, body, withToken);
	}

	/** HAPI's generic client acting as a demo client; each request carries a fresh-enough token. */
	protected IGenericClient clientAs(String clientId) {
		IGenericClient client = client();
		client.registerInterceptor(new ca.uhn.fhir.rest.client.api.IClientInterceptor() {
			@Override
			public void interceptRequest(ca.uhn.fhir.rest.client.api.IHttpRequest request) {
				request.addHeader("Authorization", "Bearer " + Tokens.forClient(clientId));
			}

			@Override
			public void interceptResponse(ca.uhn.fhir.rest.client.api.IHttpResponse response) {
				// Nothing to do with responses.
			}
		});
		return client;
	}

	/** HAPI's generic client with a fixed bearer token. */
	protected IGenericClient clientWithToken(String token) {
		IGenericClient client = client();
		client.registerInterceptor(new BearerTokenAuthInterceptor(token));
		return client;
	}

	/** The {@code demo-admin} client ({@code system/*.cruds}): for setting up test data. */
	protected IGenericClient admin() {
		return clientAs("demo-admin");
	}
}
