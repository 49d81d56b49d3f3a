package dev.patient360.routes.common;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import ca.uhn.fhir.context.FhirContext;
import dev.patient360.routes.RoutesProperties;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.stereotype.Component;

/**
 * Writes to the hub's FHIR API: one transaction Bundle per call, with a client-credentials token;
 * and reads ({@link #get}) for the routes that act on what the hub holds (channels).
 *
 * <p>Outcomes are sorted by whether retrying can help: 5xx, 429, 408 and network errors throw
 * {@link HubUnavailableException} (retry later), other 4xx throw {@link HubRejectedException}
 * (dead letter). A 401 or 403 is retried once with a fresh token first; if the hub (or the token
 * endpoint) still refuses, {@link HubCredentialsRefusedException} says so: a configuration problem,
 * not the message's fault, so it is retried later like an outage and shown on the health endpoint.
 */
@Component
public class HubClient {

	private static final FhirContext FHIR = FhirContext.forR4Cached();

	private final RoutesProperties routes;
	private final HubClientProperties props;
	private final ClientCredentialsTokens tokens;
	private final HubHealthIndicator health;
	private final HttpClient http;

	HubClient(RoutesProperties routes, HubClientProperties props, ClientCredentialsTokens tokens, HubHealthIndicator health) {
		this.routes = routes;
		this.props = props;
		this.tokens = tokens;
		this.health = health;
		this.http = HttpClient.newBuilder().connectTimeout(props.requestTimeout()).build();
	}

	/**
	 * A client of its own for a feature that acts as another OAuth client than the app's (the channel
	 * routes' {@code outreach} client): same hub, same token endpoint and timeouts. Its refusals are
	 * kept apart from the app's hub health, which tells whether ingestion can write.
	 */
	public static HubClient forClient(RoutesProperties routes, HubClientProperties props) {
		return new HubClient(routes, props, new ClientCredentialsTokens(props), new HubHealthIndicator());
	}

	/**
	 * A client for the same hub and token endpoint that authenticates as another hub client, so a
	 * connector instance can write as its own source (its own {@code source_system} claim).
	 */
	public HubClient as(String clientId, String clientSecret) {
		HubClientProperties other = new HubClientProperties(props.tokenUrl(), clientId, clientSecret, props.refreshBefore(),
				props.requestTimeout());
		return new HubClient(routes, other, new ClientCredentialsTokens(other), new HubHealthIndicator());
	}

	/** Posts a transaction and returns the transaction-response Bundle. */
	public Bundle transaction(Bundle transaction) throws InterruptedException {
		String body = FHIR.newJsonParser().encodeResourceToString(transaction);
		try {
			HttpResponse<String> response = post(body);
			if (refused(response.statusCode())) {
				tokens.invalidate();
				response = post(body);
			}
			int status = response.statusCode();
			if (refused(status)) {
				health.credentialsRefused("hub answered HTTP " + status + " with a fresh token");
				throw new HubCredentialsRefusedException("HUB-4033 hub refused the connector's credentials with HTTP "
						+ status + " after a fresh token");
			}
			health.credentialsAccepted();
			if (status / 100 == 2) {
				return FHIR.newJsonParser().parseResource(Bundle.class, response.body());
			}
			if (status >= 500 || status == 429 || status == 408) {
				throw new HubUnavailableException("HUB-4020 hub answered HTTP " + status);
			}
			throw new HubRejectedException(status, response.body());
		}
		catch (ClientCredentialsTokens.TokenRefusedException e) {
			health.credentialsRefused("token endpoint answered HTTP " + e.status());
			throw new HubCredentialsRefusedException("HUB-4033 token endpoint refused the connector's credentials with HTTP "
					+ e.status(), e);
		}
		catch (IOException e) {
			throw new HubUnavailableException("HUB-4020 hub unreachable: " + e.getClass().getSimpleName(), e);
		}
	}

	private static boolean refused(int status) {
		return status == 401 || status == 403;
	}

	/**
	 * Reads or searches: {@code relative} is a path under the FHIR base such as
	 * {@code Patient/123} or {@code CommunicationRequest?status=active}; same outcome rules as
	 * {@link #transaction}. A 404 is a {@link HubRejectedException} with status 404.
	 */
	public <T extends IBaseResource> T get(String relative, Class<T> type) throws InterruptedException {
		String base = routes.hubUrl().toString();
		return get(URI.create((base.endsWith("/") ? base : base + "/") + relative), type);
	}

	/**
	 * Follows a link the hub gave (a search's {@code Bundle.link[next]}): its path and query, sent to
	 * the configured hub, so the token never goes to whatever host the hub put in its links (behind
	 * a proxy that may be another name of the same hub).
	 */
	public <T extends IBaseResource> T follow(String link, Class<T> type) throws InterruptedException {
		URI l = URI.create(link);
		URI base = routes.hubUrl();
		return get(URI.create(base.getScheme() + "://" + base.getRawAuthority() + l.getRawPath()
				+ (l.getRawQuery() == null ? "" : "?" + l.getRawQuery())), type);
	}

	private <T extends IBaseResource> T get(URI uri, Class<T> type) throws InterruptedException {
		try {
			HttpResponse<String> response = get(uri);
			if (response.statusCode() == 401) {
				tokens.invalidate();
				response = get(uri);
			}
			int status = response.statusCode();
			if (status / 100 == 2) {
				return FHIR.newJsonParser().parseResource(type, response.body());
			}
			if (status >= 500 || status == 429 || status == 408 || status == 401) {
				throw new HubUnavailableException("HUB-4020 hub answered HTTP " + status);
			}
			throw new HubRejectedException(status, response.body());
		}
		catch (IOException e) {
			throw new HubUnavailableException("HUB-4020 hub unreachable: " + e.getClass().getSimpleName(), e);
		}
	}

	private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri)
				.timeout(props.requestTimeout())
				.header("Accept", "application/fhir+json")
				.GET();
		tokens.token().ifPresent(t -> request.header("Authorization", "Bearer " + t));
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * Posts a type-level operation ({@code path} e.g. {@code Patient/$merge}) with the same error
	 * semantics as {@link #transaction(Bundle)}; returns the answer's body.
	 */
	public String operation(String path, org.hl7.fhir.r4.model.Parameters parameters) throws InterruptedException {
		String body = FHIR.newJsonParser().encodeResourceToString(parameters);
		String base = routes.hubUrl().toString();
		String url = (base.endsWith("/") ? base : base + "/") + path;
		try {
			HttpResponse<String> response = post(url, body);
			if (response.statusCode() == 401) {
				tokens.invalidate();
				response = post(url, body);
			}
			int status = response.statusCode();
			if (status / 100 == 2) {
				return response.body();
			}
			if (status >= 500 || status == 429 || status == 408 || status == 401) {
				throw new HubUnavailableException("HUB-4020 hub answered HTTP " + status);
			}
			throw new HubRejectedException(status, response.body());
		}
		catch (IOException e) {
			throw new HubUnavailableException("HUB-4020 hub unreachable: " + e.getClass().getSimpleName(), e);
		}
	}

	private HttpResponse<String> post(String body) throws IOException, InterruptedException {
		return post(routes.hubUrl().toString(), body);
	}

	private HttpResponse<String> post(String url, String body) throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
				.timeout(props.requestTimeout())
				.header("Content-Type", "application/fhir+json")
				.header("Accept", "application/fhir+json")
				.POST(HttpRequest.BodyPublishers.ofString(body));
		tokens.token().ifPresent(t -> request.header("Authorization", "Bearer " + t));
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	/** The hub could not take the write now; the same write may succeed later. */
	public static class HubUnavailableException extends RuntimeException {
		HubUnavailableException(String message) {
			super(message);
		}

		HubUnavailableException(String message, Throwable cause) {
			super(message, cause);
		}
	}

	/**
	 * The hub or the token endpoint keeps refusing the connector (401/403 even with a fresh token):
	 * no message can be written until an operator fixes the client's secret or roles.
	 */
	public static class HubCredentialsRefusedException extends HubUnavailableException {
		HubCredentialsRefusedException(String message) {
			super(message);
		}

		HubCredentialsRefusedException(String message, Throwable cause) {
			super(message, cause);
		}
	}

	/** The hub refused the write (4xx): retrying the same content will not help. */
	public static class HubRejectedException extends RuntimeException {
		private final int status;
		private final String outcome;

		HubRejectedException(int status, String outcome) {
			super("HUB-4021 hub rejected the transaction with HTTP " + status);
			this.status = status;
			this.outcome = outcome;
		}

		public int status() {
			return status;
		}

		/** The hub's OperationOutcome: may quote content, so it goes to the dead letter, not the log. */
		public String outcome() {
			return outcome;
		}
	}
}
