package dev.patient360.routes.simulator;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

import ca.uhn.fhir.context.FhirContext;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

import static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder.responseDefinition;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A simulated EHR on WireMock: Patients and Encounters of Synthea transaction bundles as a FHIR R4
 * search API ({@code GET /fhir/{Patient|Encounter}} with {@code _lastUpdated=gt}, {@code _sort=_lastUpdated},
 * {@code _count}, {@code patient=} (records that reference that Patient), {@code identifier=system|value};
 * opaque {@code next} links) behind a SMART backend-services token endpoint
 * ({@code POST /token}, {@link SmartTokenEndpoint}), with 429/503 on a {@link FaultSchedule}. Like
 * most EHR search APIs it has no {@code _history}: a deleted record simply stops appearing. Like Epic
 * or Oracle Health it can be told to refuse searches of patient data without {@code patient}
 * ({@link #requirePatientFor}), and to give its patients' MRNs its own identifier system
 * ({@link #mrnSystem}).
 */
public final class EhrSimulator implements AutoCloseable {

	public static final Path SYNTHEA_BUNDLES = Path.of("../../shared/data/synthea-r4/bundles");
	private static final FhirContext FHIR = FhirContext.forR4Cached();
	private static final String NAME = "ehr-simulator";

	private record Cursor(String type, Date after, String patient, String identifier, int count, int offset) {
	}

	/** Synthea's MRN system, replaced by {@link #mrnSystem} when one is given. */
	public static final String SYNTHEA_MRN_SYSTEM = "http://hospital.smarthealthit.org";

	private final Map<String, Map<String, Resource>> store = new ConcurrentHashMap<>();
	private final Map<String, Cursor> cursors = new ConcurrentHashMap<>();
	private final WireMockServer server;
	public final SmartTokenEndpoint tokens;
	public final FaultSchedule faults = new FaultSchedule();
	private final java.util.Set<String> patientRequired = ConcurrentHashMap.newKeySet();
	/** Searches refused because they named no patient. */
	public final java.util.concurrent.atomic.AtomicInteger refusedWithoutPatient = new java.util.concurrent.atomic.AtomicInteger();
	/** Patient ids searched for with {@code patient=}. */
	public final java.util.Queue<String> patientSearches = new java.util.concurrent.ConcurrentLinkedQueue<>();

	private EhrSimulator(int port, SmartTokenEndpoint tokens) {
		this.tokens = tokens;
		this.server = new WireMockServer(options().bindAddress("127.0.0.1").port(port).containerThreads(16)
				.extensions(new Transformer()));
		server.stubFor(any(anyUrl()).willReturn(aResponse().withTransformers(NAME)));
		server.start();
	}

	/**
	 * Starts a simulator on {@code port} (0 = any free port) serving the Patients and Encounters of the
	 * first {@code limit} bundles in {@code bundlesDir} (sorted by file name), {@code lastUpdated}
	 * one second apart starting a day ago.
	 *
	 * @param clientId the client id registered for the connector
	 * @param publicKey the connector's registered public key
	 * @param tokenLifetime how long an issued token lives
	 */
	public static EhrSimulator start(int port, Path bundlesDir, int limit, String clientId, RSAPublicKey publicKey,
			Duration tokenLifetime) throws IOException {
		EhrSimulator ehr = new EhrSimulator(port, new SmartTokenEndpoint(clientId, publicKey, tokenLifetime));
		List<Path> bundles;
		try (Stream<Path> files = Files.list(bundlesDir)) {
			bundles = files.filter(f -> f.toString().endsWith(".json")).sorted().limit(limit).toList();
		}
		ehr.load(bundles, Instant.now().minus(1, ChronoUnit.DAYS));
		return ehr;
	}

	/**
	 * For the demo: {@code EhrSimulator <port> <bundles-dir> <client-id> <private-or-public-key.pem> [limit]};
	 * with a private key (PKCS#8) it registers that key's public half.
	 */
	public static void main(String[] args) throws Exception {
		EhrSimulator ehr = start(Integer.parseInt(args[0]), Path.of(args[1]), args.length > 4 ? Integer.parseInt(args[4]) : 1000,
				args[2], Keys.publicKey(Path.of(args[3])), Duration.ofMinutes(5));
		System.out.println("EHR simulator: " + ehr.baseUrl() + " (token " + ehr.tokenUrl() + "), "
				+ ehr.all("Patient").size() + " Patients, " + ehr.all("Encounter").size() + " Encounters");
	}

	public String baseUrl() {
		return "http://127.0.0.1:" + server.port() + "/fhir";
	}

	public String tokenUrl() {
		return "http://127.0.0.1:" + server.port() + "/token";
	}

	/**
	 * From now on, searches of these types without {@code patient} are refused with 400, as EHRs that
	 * serve patient data only per patient do.
	 */
	public void requirePatientFor(String... types) {
		patientRequired.addAll(List.of(types));
	}

	/**
	 * Gives the patients' MRN identifiers (type MR) this system, as each EHR has its own MRN namespace
	 * (usually an OID): the identifier its ADT feed sends in PID-3.
	 */
	public void mrnSystem(String system) {
		for (Resource r : all("Patient")) {
			for (org.hl7.fhir.r4.model.Identifier id : ((org.hl7.fhir.r4.model.Patient) r).getIdentifier()) {
				if (id.getType().hasCoding("http://terminology.hl7.org/CodeSystem/v2-0203", "MR")) {
					id.setSystem(system);
				}
			}
		}
	}

	/** The Encounters (or other records of the type) that reference {@code Patient/<patientId>}. */
	public List<Resource> ofPatient(String type, String patientId) {
		return all(type).stream().filter(r -> references(r, patientId)).toList();
	}

	/** WireMock's request journal and admin, e.g. for request timestamps. */
	public WireMockServer wireMock() {
		return server;
	}

	private void load(List<Path> bundles, Instant lastUpdatedFrom) throws IOException {
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
				// As a FHIR server has them: plain type/id references instead of the bundle's urn:uuid ones.
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

	/** Search requests served with data (not refused by token or faults). */
	public long searchesServed() {
		return server.getAllServeEvents().stream()
				.filter(e -> e.getRequest().getUrl().startsWith("/fhir/") && e.getResponse().getStatus() == 200).count();
	}

	private ResponseDefinition answer(Request request) {
		String path = request.getUrl().split("\\?", 2)[0];
		if (path.equals("/token") && request.getMethod().getName().equals("POST")) {
			return tokens.answer(request.getBodyAsString(), tokenUrl());
		}
		if (!path.startsWith("/fhir/")) {
			return responseDefinition().withStatus(404).build();
		}
		if (!tokens.authorized(request.getHeader("Authorization"))) {
			return SmartTokenEndpoint.json(401, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"login\"}]}");
		}
		ResponseDefinition fault = faults.next();
		if (fault != null) {
			return fault;
		}
		String type = path.substring("/fhir/".length());
		if (!store.containsKey(type)) {
			return SmartTokenEndpoint.json(404, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"not-supported\"}]}");
		}
		Cursor cursor;
		String pageKey = param(request, "_page");
		if (pageKey != null) {
			cursor = cursors.get(pageKey);
			if (cursor == null) {
				return SmartTokenEndpoint.json(410, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"not-found\"}]}");
			}
		}
		else {
			String lu = param(request, "_lastUpdated");
			Date after = lu == null ? null : Date.from(Instant.parse(lu.substring(2)));
			String count = param(request, "_count");
			String patient = param(request, "patient");
			if (patient != null && patient.startsWith("Patient/")) {
				patient = patient.substring("Patient/".length());
			}
			if (patient == null && patientRequired.contains(type)) {
				refusedWithoutPatient.incrementAndGet();
				return SmartTokenEndpoint.json(400, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
						+ "\"code\":\"required\",\"diagnostics\":\"This search requires the patient parameter\"}]}");
			}
			if (patient != null) {
				patientSearches.add(patient);
			}
			cursor = new Cursor(type, after, patient, param(request, "identifier"), count == null ? 20 : Integer.parseInt(count), 0);
		}
		Date after = cursor.after();
		String patient = cursor.patient();
		String identifier = cursor.identifier();
		List<Resource> matches = all(cursor.type()).stream()
				.filter(r -> after == null || r.getMeta().getLastUpdated().after(after))
				.filter(r -> patient == null || references(r, patient))
				.filter(r -> identifier == null || hasIdentifier(r, identifier))
				.sorted(Comparator.comparing((Resource r) -> r.getMeta().getLastUpdated()).thenComparing(r -> r.getIdElement().getIdPart()))
				.toList();
		Bundle page = new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal(matches.size());
		int from = Math.min(cursor.offset(), matches.size());
		for (Resource r : matches.subList(from, Math.min(from + cursor.count(), matches.size()))) {
			page.addEntry().setFullUrl(baseUrl() + "/" + cursor.type() + "/" + r.getIdElement().getIdPart()).setResource(r)
					.getSearch().setMode(Bundle.SearchEntryMode.MATCH);
		}
		if (from + cursor.count() < matches.size()) {
			String key = UUID.randomUUID().toString();
			cursors.put(key, new Cursor(cursor.type(), after, patient, identifier, cursor.count(), from + cursor.count()));
			page.addLink().setRelation(Bundle.LINK_NEXT).setUrl(baseUrl() + "/" + cursor.type() + "?_page="
					+ URLEncoder.encode(key, StandardCharsets.UTF_8));
		}
		return responseDefinition().withStatus(200).withHeader("Content-Type", "application/fhir+json")
				.withBody(FHIR.newJsonParser().encodeResourceToString(page)).build();
	}

	private static boolean references(Resource r, String patientId) {
		return FHIR.newTerser().getAllPopulatedChildElementsOfType(r, Reference.class).stream()
				.anyMatch(ref -> ("Patient/" + patientId).equals(ref.getReference()));
	}

	/** {@code system|value}, or a bare value matching any system, as FHIR token search has it. */
	private static boolean hasIdentifier(Resource r, String token) {
		if (!(r instanceof org.hl7.fhir.r4.model.Patient p)) {
			return false;
		}
		int bar = token.indexOf('|');
		String system = bar < 0 ? null : token.substring(0, bar);
		String value = bar < 0 ? token : token.substring(bar + 1);
		return p.getIdentifier().stream().anyMatch(i -> value.equals(i.getValue()) && (system == null || system.equals(i.getSystem())));
	}

	private static String param(Request request, String name) {
		var p = request.queryParameter(name);
		return p == null || !p.isPresent() ? null : p.firstValue();
	}

	@Override
	public void close() {
		server.stop();
	}

	private final class Transformer implements ResponseDefinitionTransformerV2 {
		@Override
		public ResponseDefinition transform(ServeEvent serveEvent) {
			return answer(serveEvent.getRequest());
		}

		@Override
		public boolean applyGlobally() {
			return false;
		}

		@Override
		public String getName() {
			return NAME;
		}
	}
}
