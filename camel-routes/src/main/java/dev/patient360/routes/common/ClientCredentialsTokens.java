package dev.patient360.routes.common;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Access tokens for the hub from the client credentials grant: cached, renewed
 * {@code refreshBefore} ahead of expiry, and dropped when the hub answers 401 ({@link #invalidate}).
 */
@Component
public class ClientCredentialsTokens {

	private record Cached(String value, Instant expires, JsonNode claims) {
	}

	private static final ObjectMapper JSON = new ObjectMapper();

	private final HubClientProperties props;
	private final HttpClient http;
	private final Clock clock;
	private volatile Cached cached;

	@Autowired
	ClientCredentialsTokens(HubClientProperties props) {
		this(props, Clock.systemUTC());
	}

	ClientCredentialsTokens(HubClientProperties props, Clock clock) {
		this.props = props;
		this.clock = clock;
		this.http = HttpClient.newBuilder().connectTimeout(props.requestTimeout()).build();
	}

	/** A valid bearer token, or empty when no token endpoint is configured. */
	public Optional<String> token() throws IOException, InterruptedException {
		if (!props.enabled()) {
			return Optional.empty();
		}
		Cached c = cached;
		if (c == null || !clock.instant().isBefore(c.expires().minus(props.refreshBefore()))) {
			c = fetch();
		}
		return Optional.of(c.value());
	}

	/** A claim of the current token (e.g. {@code source_system}), or empty without one. */
	public Optional<String> claim(String name) throws IOException, InterruptedException {
		if (token().isEmpty()) {
			return Optional.empty();
		}
		JsonNode value = cached.claims().get(name);
		return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
	}

	/** The hub refused the token (revoked, key rotated): the next call fetches a new one. */
	public void invalidate() {
		cached = null;
	}

	private synchronized Cached fetch() throws IOException, InterruptedException {
		Cached c = cached;
		if (c != null && clock.instant().isBefore(c.expires().minus(props.refreshBefore()))) {
			return c;
		}
		String form = "grant_type=client_credentials&client_id=" + enc(props.clientId())
				+ "&client_secret=" + enc(props.clientSecret());
		HttpRequest request = HttpRequest.newBuilder(props.tokenUrl())
				.timeout(props.requestTimeout())
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString(form))
				.build();
		HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() / 100 != 2) {
			// 5xx and network errors are IOExceptions: retried like a hub outage. The body is not
			// quoted: it could echo the secret.
			if (response.statusCode() == 400 || response.statusCode() == 401 || response.statusCode() == 403) {
				throw new TokenRefusedException(response.statusCode());
			}
			throw new IOException("HUB-4002 token endpoint answered HTTP " + response.statusCode());
		}
		JsonNode body = JSON.readTree(response.body());
		String value = body.path("access_token").asText(null);
		if (value == null) {
			throw new IOException("HUB-4002 token endpoint answered without access_token");
		}
		long expiresIn = body.path("expires_in").asLong(60);
		c = new Cached(value, clock.instant().plusSeconds(expiresIn), claims(value));
		cached = c;
		return c;
	}

	/** The token endpoint refused the client credentials (wrong secret, disabled client). */
	public static class TokenRefusedException extends IOException {
		private final int status;

		TokenRefusedException(int status) {
			super("HUB-4002 token endpoint refused the client credentials with HTTP " + status);
			this.status = status;
		}

		public int status() {
			return status;
		}
	}

	private static JsonNode claims(String jwt) throws IOException {
		String[] parts = jwt.split("\\.");
		if (parts.length < 2) {
			return JSON.createObjectNode();
		}
		return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
	}

	private static String enc(String s) {
		return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
	}
}
