package dev.patient360.routes.common;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import ca.uhn.fhir.context.FhirContext;
import dev.patient360.routes.RoutesProperties;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.stereotype.Component;

/**
 * Writes to the hub's FHIR API: one transaction Bundle per call, with a client-credentials token.
 *
 * <p>Outcomes are sorted by whether retrying can help: 5xx, 429, 408 and network errors throw
 * {@link HubUnavailableException} (retry later), other 4xx throw {@link HubRejectedException}
 * (dead letter). A 401 is retried once with a fresh token first.
 */
@Component
public class HubClient {

	private static final FhirContext FHIR = FhirContext.forR4Cached();

	private final RoutesProperties routes;
	private final HubClientProperties props;
	private final ClientCredentialsTokens tokens;
	private final HttpClient http;

	HubClient(RoutesProperties routes, HubClientProperties props, ClientCredentialsTokens tokens) {
		this.routes = routes;
		this.props = props;
		this.tokens = tokens;
		this.http = HttpClient.newBuilder().connectTimeout(props.requestTimeout()).build();
	}

	/**
	 * A client for the same hub and token endpoint that authenticates as another hub client, so a
	 * connector instance can write as its own source (its own {@code source_system} claim).
	 */
	public HubClient as(String clientId, String clientSecret) {
		HubClientProperties other = new HubClientProperties(props.tokenUrl(), clientId, clientSecret, props.refreshBefore(),
				props.requestTimeout());
		return new HubClient(routes, other, new ClientCredentialsTokens(other));
	}

	/** Posts a transaction and returns the transaction-response Bundle. */
	public Bundle transaction(Bundle transaction) throws InterruptedException {
		String body = FHIR.newJsonParser().encodeResourceToString(transaction);
		try {
			HttpResponse<String> response = post(body);
			if (response.statusCode() == 401) {
				tokens.invalidate();
				response = post(body);
			}
			int status = response.statusCode();
			if (status / 100 == 2) {
				return FHIR.newJsonParser().parseResource(Bundle.class, response.body());
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
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(routes.hubUrl().toString()))
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
