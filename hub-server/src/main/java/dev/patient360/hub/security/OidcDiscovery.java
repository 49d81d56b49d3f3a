package dev.patient360.hub.security;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.patient360.hub.errors.HubErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The identity provider's OpenID Connect discovery document ({@code <issuer>/.well-known/openid-configuration}):
 * where its keys, token and authorize endpoints are. Fetched on first use and reused for
 * {@code hub.security.discovery-ttl}, so the hub starts even while the identity provider is down
 * and follows it when its endpoints move.
 */
@Component
class OidcDiscovery {

	private static final Logger log = LoggerFactory.getLogger(OidcDiscovery.class);
	private static final String IDP_UNAVAILABLE = HubErrorCode.IDENTITY_PROVIDER_UNAVAILABLE.code();
	private static final Duration TIMEOUT = Duration.ofSeconds(5);
	/** After a failed fetch, callers within this time get the failure at once instead of waiting again. */
	private static final Duration FAILURE_BACKOFF = Duration.ofSeconds(2);

	private final HubSecurityProperties props;
	private final ObjectMapper json;
	private final Clock clock;
	private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT)
			.followRedirects(HttpClient.Redirect.NEVER).build();

	private Map<String, Object> document;
	private Instant fetchedAt = Instant.MIN;
	private Instant failedAt = Instant.MIN;

	@Autowired
	OidcDiscovery(HubSecurityProperties props, ObjectMapper json) {
		this(props, json, Clock.systemUTC());
	}

	OidcDiscovery(HubSecurityProperties props, ObjectMapper json, Clock clock) {
		this.props = props;
		this.json = json;
		this.clock = clock;
	}

	/** The configured issuer; empty when security is disabled. */
	Optional<String> issuer() {
		return props.enabled() ? Optional.of(props.oidcIssuer()) : Optional.empty();
	}

	/**
	 * The discovery document, from cache when fresh. An old document is served while a refresh
	 * fails, so a short identity-provider outage does not take token validation down with it.
	 *
	 * @throws IdentityProviderUnavailableException when there is no document and it cannot be fetched
	 */
	synchronized Map<String, Object> document() {
		String issuer = issuer().orElseThrow(() -> new IllegalStateException("security is disabled"));
		Instant now = clock.instant();
		if (document != null && now.isBefore(fetchedAt.plus(props.discoveryTtl()))) {
			return document;
		}
		if (document == null && now.isBefore(failedAt.plus(FAILURE_BACKOFF))) {
			throw unavailable(null);
		}
		try {
			Map<String, Object> fetched = fetch(issuer);
			if (!issuer.equals(fetched.get("issuer"))) {
				// A mismatch is a configuration error (localhost vs 127.0.0.1, a proxy's host): every
				// token would fail the issuer check, so say why once, loudly.
				log.error("{} the discovery document of {} names issuer {}; HUB_OIDC_ISSUER must match it exactly",
						IDP_UNAVAILABLE, issuer, fetched.get("issuer"));
				throw new IOException("issuer mismatch in discovery document");
			}
			document = fetched;
			fetchedAt = now;
			return document;
		}
		catch (IOException | RuntimeException e) {
			failedAt = now;
			if (document != null) {
				log.warn("{} refreshing the discovery document of {} failed ({}); keeping the previous one",
						IDP_UNAVAILABLE, issuer, e.getClass().getSimpleName());
				fetchedAt = now.minus(props.discoveryTtl()).plus(FAILURE_BACKOFF);
				return document;
			}
			log.warn("{} the identity provider at {} is unreachable: {}", IDP_UNAVAILABLE, issuer, e.toString());
			throw unavailable(e);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw unavailable(e);
		}
	}

	/** A string entry of the document, or empty. */
	Optional<String> endpoint(String name) {
		return document().get(name) instanceof String value && !value.isBlank() ? Optional.of(value) : Optional.empty();
	}

	private Map<String, Object> fetch(String issuer) throws IOException, InterruptedException {
		HttpResponse<String> response = http.send(HttpRequest.newBuilder(
						URI.create(issuer.replaceAll("/+$", "") + "/.well-known/openid-configuration"))
				.timeout(TIMEOUT).header("Accept", "application/json").GET().build(),
				HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			throw new IOException("discovery document answered HTTP " + response.statusCode());
		}
		return json.readValue(response.body(), new TypeReference<Map<String, Object>>() {
		});
	}

	private static IdentityProviderUnavailableException unavailable(Throwable cause) {
		return new IdentityProviderUnavailableException(HubErrorCode.IDENTITY_PROVIDER_UNAVAILABLE
				.message("the identity provider cannot be reached; retry later"), cause);
	}

}
