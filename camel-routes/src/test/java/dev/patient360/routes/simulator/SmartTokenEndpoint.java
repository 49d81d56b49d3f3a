package dev.patient360.routes.simulator;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder.responseDefinition;

/**
 * A SMART backend-services token endpoint as EHRs run it: client_credentials with a
 * {@code private_key_jwt} assertion, checked for the RS384 signature with the registered public key,
 * iss = sub = the registered client id, aud = this endpoint's URL, an exp in the future and at most
 * 5 minutes ahead, and a jti never seen before. Issues opaque tokens that live {@code tokenLifetime}.
 */
public final class SmartTokenEndpoint {

	private final String clientId;
	private final RSAPublicKey publicKey;
	private final Duration tokenLifetime;
	private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
	private final Set<String> usedJtis = ConcurrentHashMap.newKeySet();
	public final AtomicInteger accepted = new AtomicInteger();
	public final AtomicInteger rejected = new AtomicInteger();

	public SmartTokenEndpoint(String clientId, RSAPublicKey publicKey, Duration tokenLifetime) {
		this.clientId = clientId;
		this.publicKey = publicKey;
		this.tokenLifetime = tokenLifetime;
	}

	/** Answers a token request whose form body is {@code body}; {@code tokenUrl} is the expected aud. */
	ResponseDefinition answer(String body, String tokenUrl) {
		Map<String, String> form = form(body);
		boolean ok;
		try {
			SignedJWT jwt = SignedJWT.parse(form.getOrDefault("client_assertion", ""));
			JWTClaimsSet c = jwt.getJWTClaimsSet();
			ok = "client_credentials".equals(form.get("grant_type"))
					&& "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".equals(form.get("client_assertion_type"))
					&& JWSAlgorithm.RS384.equals(jwt.getHeader().getAlgorithm())
					&& jwt.verify(new RSASSAVerifier(publicKey))
					&& clientId.equals(c.getIssuer()) && clientId.equals(c.getSubject())
					&& c.getAudience() != null && c.getAudience().contains(tokenUrl)
					&& c.getExpirationTime() != null && c.getExpirationTime().after(new Date())
					&& c.getExpirationTime().toInstant().isBefore(Instant.now().plusSeconds(301))
					&& c.getJWTID() != null && usedJtis.add(c.getJWTID());
		}
		catch (Exception e) {
			ok = false;
		}
		if (!ok) {
			rejected.incrementAndGet();
			return json(401, "{\"error\":\"invalid_client\",\"error_description\":\"client assertion rejected\"}");
		}
		accepted.incrementAndGet();
		String token = UUID.randomUUID().toString();
		tokens.put(token, Instant.now().plus(tokenLifetime));
		return json(200, "{\"access_token\":\"" + token + "\",\"token_type\":\"bearer\",\"expires_in\":"
				+ tokenLifetime.toSeconds() + ",\"scope\":\"system/*.rs\"}");
	}

	/** Whether an {@code Authorization} header carries a token this endpoint issued and that has not expired. */
	boolean authorized(String authorization) {
		if (authorization == null || !authorization.startsWith("Bearer ")) {
			return false;
		}
		Instant expires = tokens.get(authorization.substring("Bearer ".length()));
		return expires != null && expires.isAfter(Instant.now());
	}

	/** Ends every issued token now, as an EHR does when tokens expire mid-run. */
	public void expireAllTokens() {
		tokens.replaceAll((k, v) -> Instant.EPOCH);
	}

	static ResponseDefinition json(int status, String body) {
		return responseDefinition().withStatus(status).withHeader("Content-Type", "application/json").withBody(body).build();
	}

	static Map<String, String> form(String raw) {
		Map<String, String> m = new LinkedHashMap<>();
		if (raw == null || raw.isEmpty()) {
			return m;
		}
		for (String p : raw.split("&")) {
			int i = p.indexOf('=');
			m.put(URLDecoder.decode(i < 0 ? p : p.substring(0, i), StandardCharsets.UTF_8),
					i < 0 ? "" : URLDecoder.decode(p.substring(i + 1), StandardCharsets.UTF_8));
		}
		return m;
	}
}
