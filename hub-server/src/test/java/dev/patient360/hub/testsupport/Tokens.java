package dev.patient360.hub.testsupport;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;

/**
 * Access tokens for the security integration tests, from the test {@link KeycloakServer}.
 *
 * <ul>
 * <li>{@link #clientCredentials(String)}: a real token of a demo client with a client secret (the
 *     secret is read from the realm file, where every demo client's secret is);</li>
 * <li>{@link #privateKeyJwt(String)}: a real token of a SMART Backend Services client, authenticated
 *     with a client assertion signed RS384 by {@code docker/keycloak/<client>-private-key.pem};</li>
 * <li>{@link #forClient(String)}: whichever of the two the demo client uses;</li>
 * <li>{@link #forged()}: tokens the tests make themselves, for what Keycloak would never issue
 *     (expired, wrong issuer, unsigned, ...), signed with the realm's demo key or deliberately not.</li>
 * </ul>
 * Real tokens are cached per client until a minute before they expire.
 */
public final class Tokens {

	/** The audience every demo client's tokens carry and the hub checks. */
	public static final String HUB_AUDIENCE = "patient360-hub";
	private static final Duration REUSE_MARGIN = Duration.ofSeconds(60);

	private static final ObjectMapper JSON = new ObjectMapper();
	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
	private static final Map<String, Cached> CACHE = new ConcurrentHashMap<>();
	private static JsonNode realm;
	private static RSAKey realmKey;

	private record Cached(String token, Instant expiresAt) {
	}

	private Tokens() {
	}

	/**
	 * A token of the demo client, authenticated the way the realm configures that client: a signed JWT
	 * for {@code client-jwt} clients, its secret otherwise.
	 */
	public static String forClient(String clientId) {
		JsonNode authenticator = client(clientId).get("clientAuthenticatorType");
		return authenticator != null && "client-jwt".equals(authenticator.asText())
				? privateKeyJwt(clientId) : clientCredentials(clientId);
	}

	/** A token of a demo client with a client secret (client_credentials, client_secret_basic). */
	public static String clientCredentials(String clientId) {
		return cached("secret:" + clientId, () -> {
			String basic = Base64.getEncoder().encodeToString(
					(form(clientId) + ":" + form(demoSecret(clientId))).getBytes(StandardCharsets.UTF_8));
			return requestToken("grant_type=client_credentials", "Basic " + basic);
		});
	}

	/**
	 * A token of a SMART Backend Services client: client_credentials with a {@code private_key_jwt}
	 * client assertion (RS384, audience = the token endpoint, 60 s life, unique {@code jti}).
	 */
	public static String privateKeyJwt(String clientId) {
		return cached("jwt:" + clientId, () -> {
			String assertion = sign(new JWTClaimsSet.Builder()
					.issuer(clientId).subject(clientId)
					.audience(KeycloakServer.get().tokenEndpoint())
					.jwtID(UUID.randomUUID().toString())
					.issueTime(new Date())
					.expirationTime(Date.from(Instant.now().plusSeconds(60)))
					.build(), JWSAlgorithm.RS384, privateKey(clientId), null);
			return requestToken("grant_type=client_credentials"
					+ "&client_assertion_type=" + form("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
					+ "&client_assertion=" + form(assertion), null);
		});
	}

	/** The demo secret of a client, as the realm file sets it (demo only: never a real deployment's). */
	public static String demoSecret(String clientId) {
		JsonNode secret = client(clientId).get("secret");
		if (secret == null || secret.asText().isBlank()) {
			throw new IllegalArgumentException(clientId + " has no client secret in the realm (private_key_jwt client?)");
		}
		return secret.asText();
	}

	/** The claims of a token, decoded without any check: for assertions on what Keycloak issued. */
	public static Map<String, Object> claims(String token) {
		String[] parts = token.split("\\.");
		try {
			return JSON.readValue(Base64.getUrlDecoder().decode(parts[1]), new TypeReference<Map<String, Object>>() {
			});
		}
		catch (IOException e) {
			throw new IllegalArgumentException("not a JWT", e);
		}
	}

	/**
	 * A token made by the test, starting from claims the hub accepts (issuer = the test Keycloak,
	 * audience = the hub, valid for 5 minutes, client {@code forged-client} with no role and no scope);
	 * change what the test is about, then sign.
	 */
	public static Forged forged() {
		return new Forged();
	}

	/** A token under construction; see {@link Tokens#forged()}. */
	public static final class Forged {

		private final Map<String, Object> claims = new LinkedHashMap<>();

		private Forged() {
			Instant now = Instant.now();
			claims.put("iss", KeycloakServer.get().issuer());
			claims.put("aud", HUB_AUDIENCE);
			claims.put("sub", UUID.randomUUID().toString());
			claims.put("azp", "forged-client");
			claims.put("typ", "Bearer");
			claims.put("jti", UUID.randomUUID().toString());
			claims.put("iat", now.getEpochSecond());
			claims.put("exp", now.plusSeconds(300).getEpochSecond());
		}

		public Forged claim(String name, Object value) {
			claims.put(name, value);
			return this;
		}

		public Forged without(String claim) {
			claims.remove(claim);
			return this;
		}

		public Forged issuer(String issuer) {
			return claim("iss", issuer);
		}

		public Forged audience(String... audience) {
			return claim("aud", audience.length == 1 ? audience[0] : List.of(audience));
		}

		public Forged expiresAt(Instant expiry) {
			return claim("exp", expiry.getEpochSecond());
		}

		public Forged notBefore(Instant notBefore) {
			return claim("nbf", notBefore.getEpochSecond());
		}

		public Forged issuedAt(Instant issuedAt) {
			return claim("iat", issuedAt.getEpochSecond());
		}

		public Forged client(String clientId) {
			return claim("azp", clientId);
		}

		/** Realm roles, as Keycloak puts them ({@code realm_access.roles}). */
		public Forged roles(String... roles) {
			return claim("realm_access", Map.of("roles", List.of(roles)));
		}

		/** The space-separated scope claim. */
		public Forged scope(String scope) {
			return claim("scope", scope);
		}

		/** Signed RS256 by the realm's (demo) key with its real {@code kid}: what Keycloak itself would sign. */
		public String signedByRealmKey() {
			RSAKey key = realmKey();
			return sign(claims(), JWSAlgorithm.RS256, realmPrivateKey(), key.getKeyID());
		}

		/** Signed RS256 by a key the realm never published, under a {@code kid} it does not know. */
		public String signedByUnknownKey() {
			try {
				KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
				generator.initialize(2048);
				return sign(claims(), JWSAlgorithm.RS256, (RSAPrivateKey) generator.generateKeyPair().getPrivate(),
						"unknown-" + UUID.randomUUID());
			}
			catch (NoSuchAlgorithmException e) {
				throw new IllegalStateException(e);
			}
		}

		/** Signed by the realm's key but naming a {@code kid} the realm does not publish. */
		public String signedByRealmKeyUnderUnknownKid() {
			return sign(claims(), JWSAlgorithm.RS256, realmPrivateKey(), "unknown-" + UUID.randomUUID());
		}

		/** {@code alg: none}: no signature at all. */
		public String unsigned() {
			return new PlainJWT(claims()).serialize();
		}

		/**
		 * HS256 with the realm's public key bytes as the HMAC secret: the algorithm-confusion attack on
		 * verifiers that take any algorithm the token names.
		 */
		public String signedHs256WithRealmPublicKey() {
			try {
				byte[] secret = realmKey().toRSAPublicKey().getEncoded();
				SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT)
						.keyID(realmKey().getKeyID()).build(), claims());
				jwt.sign(new MACSigner(secret));
				return jwt.serialize();
			}
			catch (JOSEException e) {
				throw new IllegalStateException(e);
			}
		}

		private JWTClaimsSet claims() {
			try {
				return JWTClaimsSet.parse(new LinkedHashMap<>(claims));
			}
			catch (java.text.ParseException e) {
				throw new IllegalArgumentException(e);
			}
		}
	}

	// --- plumbing ---------------------------------------------------------------------------

	private interface TokenRequest {
		Map<String, Object> fetch();
	}

	private static String cached(String key, TokenRequest request) {
		Cached hit = CACHE.get(key);
		if (hit != null && Instant.now().isBefore(hit.expiresAt().minus(REUSE_MARGIN))) {
			return hit.token();
		}
		Map<String, Object> response = request.fetch();
		String token = (String) response.get("access_token");
		Instant expiresAt = Instant.now().plusSeconds(((Number) response.get("expires_in")).longValue());
		CACHE.put(key, new Cached(token, expiresAt));
		return token;
	}

	private static Map<String, Object> requestToken(String form, String authorization) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(KeycloakServer.get().tokenEndpoint()))
				.timeout(Duration.ofSeconds(30))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString(form));
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		try {
			HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new IllegalStateException("Keycloak refused the token request: HTTP " + response.statusCode()
						+ " " + response.body());
			}
			return JSON.readValue(response.body(), new TypeReference<Map<String, Object>>() {
			});
		}
		catch (IOException e) {
			throw new IllegalStateException("token request failed", e);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(e);
		}
	}

	private static String sign(JWTClaimsSet claims, JWSAlgorithm algorithm, java.security.PrivateKey key, String kid) {
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT).keyID(kid).build(), claims);
			jwt.sign(new RSASSASigner(key));
			return jwt.serialize();
		}
		catch (JOSEException e) {
			throw new IllegalStateException(e);
		}
	}

	private static synchronized JsonNode realm() {
		if (realm == null) {
			try {
				realm = JSON.readTree(KeycloakServer.realmFile().toFile());
			}
			catch (IOException e) {
				throw new IllegalStateException("cannot read the realm file", e);
			}
		}
		return realm;
	}

	private static JsonNode client(String clientId) {
		for (JsonNode client : realm().get("clients")) {
			if (clientId.equals(client.get("clientId").asText())) {
				return client;
			}
		}
		throw new IllegalArgumentException("no client " + clientId + " in " + KeycloakServer.realmFile());
	}

	/** The private key of a private_key_jwt demo client: docker/keycloak/&lt;client&gt;-private-key.pem. */
	private static RSAPrivateKey privateKey(String clientId) {
		try {
			String pem = Files.readString(Repository.path("docker/keycloak/" + clientId + "-private-key.pem"));
			return rsaPrivateKey(pem);
		}
		catch (IOException e) {
			throw new IllegalStateException(e);
		}
	}

	private static RSAPrivateKey rsaPrivateKey(String pemOrBase64) {
		try {
			String base64 = pemOrBase64.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
			return (RSAPrivateKey) KeyFactory.getInstance("RSA")
					.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
		}
		catch (java.security.GeneralSecurityException e) {
			throw new IllegalStateException("not a PKCS#8 RSA private key", e);
		}
	}

	/**
	 * The realm's demo signing key (from the realm file's RSA key provider) with the {@code kid}
	 * Keycloak publishes for it (looked up in the realm's JWKS by modulus).
	 */
	private static synchronized RSAKey realmKey() {
		if (realmKey == null) {
			JsonNode config = null;
			for (JsonNode component : realm().get("components").get("org.keycloak.keys.KeyProvider")) {
				if ("rsa".equals(component.get("providerId").asText())) {
					config = component.get("config");
				}
			}
			if (config == null) {
				throw new IllegalStateException("the realm file has no fixed RSA key provider");
			}
			try {
				RSAPrivateKey privateKey = rsaPrivateKey(config.get("privateKey").get(0).asText());
				X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
						.generateCertificate(new ByteArrayInputStream(
								Base64.getDecoder().decode(config.get("certificate").get(0).asText())));
				RSAPublicKey publicKey = (RSAPublicKey) certificate.getPublicKey();
				String kid = null;
				List<String> published = new ArrayList<>();
				for (JWK jwk : JWKSet.load(URI.create(KeycloakServer.get().jwksUri()).toURL()).getKeys()) {
					published.add(jwk.getKeyID());
					if (jwk instanceof RSAKey rsa && rsa.toRSAPublicKey().getModulus().equals(publicKey.getModulus())) {
						kid = jwk.getKeyID();
					}
				}
				if (kid == null) {
					throw new IllegalStateException("the realm's JWKS " + published + " lacks the demo key of the realm file");
				}
				realmKey = new RSAKey.Builder(publicKey).privateKey(privateKey).keyID(kid).build();
			}
			catch (IOException | java.text.ParseException | java.security.GeneralSecurityException | JOSEException e) {
				throw new IllegalStateException("cannot load the realm's demo signing key", e);
			}
		}
		return realmKey;
	}

	private static RSAPrivateKey realmPrivateKey() {
		try {
			return realmKey().toRSAPrivateKey();
		}
		catch (JOSEException e) {
			throw new IllegalStateException(e);
		}
	}

	private static String form(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}
}
