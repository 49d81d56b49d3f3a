package dev.patient360.routes.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import ca.uhn.fhir.context.FhirContext;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * A small EHR over real HTTP for connector ITs: Patients and Encounters of Synthea bundles as a FHIR
 * R4 search API ({@code _lastUpdated=gt}, {@code _sort=_lastUpdated}, {@code _count}, next links) behind
 * a SMART backend-services token endpoint that checks the client assertion (RS384 signature with the
 * registered public key, iss, sub, aud, exp, unused jti) and issues short-lived tokens. The first
 * search is answered 429 with {@code Retry-After: 1}.
 */
public final class SimulatedEhr implements AutoCloseable {

	private static final FhirContext FHIR = FhirContext.forR4Cached();

	private final HttpServer server;
	private final String clientId;
	private final RSAPublicKey publicKey;
	private final Map<String, Map<String, Resource>> store = new ConcurrentHashMap<>();
	private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
	private final Set<String> usedJtis = ConcurrentHashMap.newKeySet();
	private final AtomicBoolean throttled = new AtomicBoolean();
	public final AtomicInteger assertionsAccepted = new AtomicInteger();
	public final AtomicInteger assertionsRejected = new AtomicInteger();
	public final AtomicInteger throttledAnswers = new AtomicInteger();
	public final AtomicInteger searchRequests = new AtomicInteger();

	public SimulatedEhr(String clientId, RSAPublicKey publicKey) throws IOException {
		this.clientId = clientId;
		this.publicKey = publicKey;
		server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		server.createContext("/token", this::token);
		server.createContext("/fhir/", this::search);
		server.start();
	}

	public String baseUrl() {
		return "http://127.0.0.1:" + server.getAddress().getPort() + "/fhir";
	}

	public String tokenUrl() {
		return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
	}

	/** Loads Patient and Encounter of each bundle with ids and references as a FHIR server has them. */
	public void load(List<Path> bundles, Instant lastUpdatedFrom) throws IOException {
		long second = 0;
		for (Path file : bundles) {
			Bundle b = FHIR.newJsonParser().parseResource(Bundle.class, Files.readString(file));
			Map<String, String> fullUrls = new HashMap<>();
			for (Bundle.BundleEntryComponent e : b.getEntry()) {
				String type = e.getResource().fhirType();
				if (type.equals("Patient") || type.equals("Encounter")) {
					fullUrls.put(e.getFullUrl(), type + "/" + e.getResource().getIdElement().getIdPart());
				}
			}
			for (Bundle.BundleEntryComponent e : b.getEntry()) {
				Resource r = e.getResource();
				if (!fullUrls.containsKey(e.getFullUrl())) {
					continue;
				}
				for (Reference ref : FHIR.newTerser().getAllPopulatedChildElementsOfType(r, Reference.class)) {
					if (ref.hasReference() && fullUrls.containsKey(ref.getReference())) {
						ref.setReference(fullUrls.get(ref.getReference()));
					}
				}
				r.setId(r.getIdElement().getIdPart());
				r.getMeta().setVersionId("1").setLastUpdated(Date.from(lastUpdatedFrom.plusSeconds(second++)));
				store.computeIfAbsent(r.fhirType(), k -> new ConcurrentHashMap<>()).put(r.getIdElement().getIdPart(), r);
			}
		}
	}

	public List<Resource> all(String type) {
		return new ArrayList<>(store.getOrDefault(type, Map.of()).values());
	}

	/** Changes a record as the EHR would: new version, {@code lastUpdated} now. */
	public void change(String type, String id, Consumer<Resource> edit) {
		Resource r = store.get(type).get(id);
		edit.accept(r);
		r.getMeta().setVersionId(String.valueOf(Integer.parseInt(r.getMeta().getVersionId()) + 1)).setLastUpdated(new Date());
	}

	private void token(HttpExchange x) throws IOException {
		Map<String, String> form = query(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
		try {
			if (!"client_credentials".equals(form.get("grant_type"))
					|| !"urn:ietf:params:oauth:client-assertion-type:jwt-bearer".equals(form.get("client_assertion_type"))) {
				throw new IllegalArgumentException("grant");
			}
			SignedJWT jwt = SignedJWT.parse(form.get("client_assertion"));
			JWTClaimsSet c = jwt.getJWTClaimsSet();
			boolean ok = jwt.getHeader().getAlgorithm().equals(JWSAlgorithm.RS384)
					&& jwt.verify(new RSASSAVerifier(publicKey))
					&& clientId.equals(c.getIssuer()) && clientId.equals(c.getSubject())
					&& c.getAudience().contains(tokenUrl())
					&& c.getExpirationTime() != null && c.getExpirationTime().after(new Date())
					&& c.getExpirationTime().toInstant().isBefore(Instant.now().plusSeconds(301))
					&& c.getJWTID() != null && usedJtis.add(c.getJWTID());
			if (!ok) {
				throw new IllegalArgumentException("assertion");
			}
		}
		catch (Exception e) {
			assertionsRejected.incrementAndGet();
			send(x, 401, "application/json", "{\"error\":\"invalid_client\"}", Map.of());
			return;
		}
		assertionsAccepted.incrementAndGet();
		String token = UUID.randomUUID().toString();
		tokens.put(token, Instant.now().plusSeconds(60));
		send(x, 200, "application/json",
				"{\"access_token\":\"" + token + "\",\"token_type\":\"bearer\",\"expires_in\":60,\"scope\":\"system/*.rs\"}", Map.of());
	}

	private void search(HttpExchange x) throws IOException {
		String auth = x.getRequestHeaders().getFirst("Authorization");
		Instant expires = auth == null ? null : tokens.get(auth.replaceFirst("^Bearer ", ""));
		if (expires == null || expires.isBefore(Instant.now())) {
			send(x, 401, "application/json", "{}", Map.of());
			return;
		}
		if (throttled.compareAndSet(false, true)) {
			throttledAnswers.incrementAndGet();
			send(x, 429, "application/fhir+json", "{}", Map.of("Retry-After", "1"));
			return;
		}
		searchRequests.incrementAndGet();
		String type = x.getRequestURI().getPath().substring("/fhir/".length());
		Map<String, String> q = query(x.getRequestURI().getRawQuery());
		Date after = q.containsKey("_lastUpdated") ? Date.from(Instant.parse(q.get("_lastUpdated").substring(2))) : null;
		int count = Integer.parseInt(q.getOrDefault("_count", "20"));
		int offset = Integer.parseInt(q.getOrDefault("_offset", "0"));
		List<Resource> matches = all(type).stream()
				.filter(r -> after == null || r.getMeta().getLastUpdated().after(after))
				.sorted(Comparator.comparing((Resource r) -> r.getMeta().getLastUpdated()).thenComparing(Resource::getId))
				.toList();
		Bundle page = new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal(matches.size());
		for (Resource r : matches.subList(Math.min(offset, matches.size()), Math.min(offset + count, matches.size()))) {
			page.addEntry().setFullUrl(baseUrl() + "/" + type + "/" + r.getIdElement().getIdPart()).setResource(r)
					.getSearch().setMode(Bundle.SearchEntryMode.MATCH);
		}
		if (offset + count < matches.size()) {
			String next = baseUrl() + "/" + type + "?_count=" + count + "&_offset=" + (offset + count)
					+ (after == null ? "" : "&_lastUpdated=" + q.get("_lastUpdated"));
			page.addLink().setRelation(Bundle.LINK_NEXT).setUrl(next);
		}
		send(x, 200, "application/fhir+json", FHIR.newJsonParser().encodeResourceToString(page), Map.of());
	}

	private static Map<String, String> query(String raw) {
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

	private static void send(HttpExchange x, int status, String type, String body, Map<String, String> headers) throws IOException {
		try (InputStream in = x.getRequestBody()) {
			in.readAllBytes();
		}
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		x.getResponseHeaders().set("Content-Type", type);
		headers.forEach((k, v) -> x.getResponseHeaders().set(k, v));
		x.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = x.getResponseBody()) {
			out.write(bytes);
		}
	}

	@Override
	public void close() {
		server.stop(0);
	}
}
