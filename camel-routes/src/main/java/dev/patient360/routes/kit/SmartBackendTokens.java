package dev.patient360.routes.kit;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Tokens from a source's token endpoint by SMART backend services: client_credentials with a
 * {@code private_key_jwt} client assertion signed RS384 (iss = sub = client id, aud = token URL,
 * 5 minute exp, fresh jti). Cached, renewed {@code refreshBefore} ahead of expiry (at half its
 * lifetime when the source issues tokens that live less than twice {@code refreshBefore}) and dropped
 * on a 401 from the source ({@link #invalidate}).
 */
public final class SmartBackendTokens {

	static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
	private static final ObjectMapper JSON = new ObjectMapper();

	/** A token and when to stop using it ({@code expires_in} minus the refresh margin). */
	private record Cached(String value, Instant renewAt) {
	}

	private final ConnectorsProperties.Auth auth;
	private final HttpClient http;
	private final Clock clock;
	private final RSAPrivateKey key;
	private volatile Cached cached;

	public SmartBackendTokens(ConnectorsProperties.Auth auth, HttpClient http, Clock clock) {
		this.auth = auth;
		this.http = http;
		this.clock = clock;
		this.key = readKey(auth);
	}

	public String token() throws IOException, InterruptedException {
		Cached c = cached;
		if (c == null || !clock.instant().isBefore(c.renewAt())) {
			c = fetch();
		}
		return c.value();
	}

	public void invalidate() {
		cached = null;
	}

	/** The signed client assertion; public for tests that check what a source receives. */
	public String clientAssertion() {
		Instant now = clock.instant();
		JWTClaimsSet claims = new JWTClaimsSet.Builder()
				.issuer(auth.clientId())
				.subject(auth.clientId())
				.audience(auth.tokenUrl().toString())
				.expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
				.issueTime(Date.from(now))
				.jwtID(UUID.randomUUID().toString())
				.build();
		JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.RS384).type(JOSEObjectType.JWT);
		if (auth.keyId() != null && !auth.keyId().isBlank()) {
			header.keyID(auth.keyId());
		}
		SignedJWT jwt = new SignedJWT(header.build(), claims);
		try {
			jwt.sign(new RSASSASigner(key));
		}
		catch (JOSEException e) {
			throw new IllegalStateException("HUB-5001 could not sign the client assertion", e);
		}
		return jwt.serialize();
	}

	private synchronized Cached fetch() throws IOException, InterruptedException {
		Cached c = cached;
		if (c != null && clock.instant().isBefore(c.renewAt())) {
			return c;
		}
		StringBuilder form = new StringBuilder("grant_type=client_credentials")
				.append("&client_assertion_type=").append(enc(ASSERTION_TYPE))
				.append("&client_assertion=").append(enc(clientAssertion()));
		if (auth.scope() != null && !auth.scope().isBlank()) {
			form.append("&scope=").append(enc(auth.scope()));
		}
		HttpRequest request = HttpRequest.newBuilder(auth.tokenUrl())
				.timeout(Duration.ofSeconds(30))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.header("Accept", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(form.toString()))
				.build();
		HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() / 100 != 2) {
			throw new IOException("HUB-5002 source token endpoint answered HTTP " + response.statusCode());
		}
		JsonNode body = JSON.readTree(response.body());
		String value = body.path("access_token").asText(null);
		if (value == null) {
			throw new IOException("HUB-5002 source token endpoint answered without access_token");
		}
		c = new Cached(value, renewAt(clock.instant(), Duration.ofSeconds(body.path("expires_in").asLong(300)), auth.refreshBefore()));
		cached = c;
		return c;
	}

	/**
	 * When a token issued at {@code issued} for {@code lifetime} is renewed: {@code refreshBefore} ahead
	 * of its expiry, but never before half its lifetime. Without that floor a source that issues tokens
	 * shorter than {@code refreshBefore} (some EHRs issue 60 s or less) would get a token request before
	 * every data request, and a token endpoint that rate-limits would stop the run.
	 */
	static Instant renewAt(Instant issued, Duration lifetime, Duration refreshBefore) {
		Duration half = lifetime.dividedBy(2);
		return issued.plus(lifetime).minus(refreshBefore.compareTo(half) < 0 ? refreshBefore : half);
	}

	private static RSAPrivateKey readKey(ConnectorsProperties.Auth auth) {
		try {
			String pem = Files.readString(auth.privateKey(), StandardCharsets.US_ASCII);
			String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
			return (RSAPrivateKey) KeyFactory.getInstance("RSA")
					.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
		}
		catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
			throw new IllegalStateException("HUB-5001 cannot read the PKCS#8 private key " + auth.privateKey(), e);
		}
	}

	private static String enc(String s) {
		return URLEncoder.encode(s, StandardCharsets.UTF_8);
	}
}
