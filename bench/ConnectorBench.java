import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ca.uhn.fhir.context.FhirContext;
import dev.patient360.routes.fhirr4.FhirR4PageMapper;
import dev.patient360.routes.simulator.BulkExportSimulator;
import dev.patient360.routes.simulator.EhrSimulator;
import dev.patient360.routes.simulator.Keys;
import org.hl7.fhir.r4.model.Resource;

/**
 * Pull-connector benchmark (run by bench/connectors.sh): the real hub jar (security disabled, fresh
 * embedded PostgreSQL) and the real camel-routes jar as child processes, the WireMock simulators
 * in this JVM.
 *
 * <ol>
 * <li>fhir-r4: the EHR simulator serves all Synthea bundles' Patients and Encounters; one pull of a
 * fresh instance, from the first request the simulator receives to the moment the hub holds them all.
 * <li>fhir-bulk: the bulk simulator serves the Synthea bulk NDJSON (10-patients set, several types);
 * one export, timed the same way (kick-off to all in the hub; the simulator answers the first status poll
 * with the manifest).
 * <li>direct: the same Patients and Encounters, mapped by the same pure mapper into transactions of
 * the same size, POSTed straight to the hub by one client: the hub's share of the cost.
 * </ol>
 * resources/s = resources in the hub / wall-clock seconds.
 */
public class ConnectorBench {

	private static final FhirContext FHIR = FhirContext.forR4Cached();
	private static final HttpClient HTTP = HttpClient.newHttpClient();

	public static void main(String[] args) throws Exception {
		Map<String, String> a = new LinkedHashMap<>();
		for (int i = 0; i + 1 < args.length; i += 2) {
			a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
		}
		Path work = Path.of(a.get("work"));
		Path hubJar = Path.of(a.get("hub-jar"));
		Path routesJar = Path.of(a.get("routes-jar"));
		Path bundles = Path.of(a.get("bundles"));
		Path bulkDir = Path.of(a.get("bulk"));
		int pageSize = Integer.parseInt(a.getOrDefault("page-size", "100"));
		List<String> bulkTypes = Arrays.asList(a.getOrDefault("bulk-types",
				"Patient,Encounter,Condition,Procedure,Immunization,MedicationRequest,AllergyIntolerance").split(","));
		Files.createDirectories(work);

		int hubPort = freePort();
		Map<String, String> hubEnv = new LinkedHashMap<>(Map.of("HUB_PORT", String.valueOf(hubPort),
				"HUB_DATA_DIR", work.resolve("hub").toString(), "HUB_SECURITY", "disabled"));
		if (a.containsKey("hub-db-url")) {
			hubEnv.put("HUB_DB_URL", a.get("hub-db-url"));
			hubEnv.put("HUB_DB_USER", a.getOrDefault("hub-db-user", "postgres"));
		}
		Process hub = start(work.resolve("hub.log"), hubEnv, "-jar", hubJar.toString());
		String fhir = "http://127.0.0.1:" + hubPort + "/fhir";
		List<String> summary = new ArrayList<>();
		try {
			// Boot on a busy machine can take many minutes; it is not what this bench measures.
			waitFor(() -> get(fhir + "/metadata?_summary=true").statusCode() == 200, Duration.ofMinutes(20), "hub ready");
			KeyPair keys = Keys.generate();
			Path pem = Keys.writePrivateKey(keys, work);

			try (EhrSimulator ehr = EhrSimulator.start(0, bundles, 10_000, "bench", (RSAPublicKey) keys.getPublic(),
					Duration.ofMinutes(5))) {
				int expected = ehr.all("Patient").size() + ehr.all("Encounter").size();
				System.out.printf("fhir-r4: %d Patients, %d Encounters at the source%n", ehr.all("Patient").size(),
						ehr.all("Encounter").size());
				String yaml = instance("bench-ehr", "fhir-r4", ehr.baseUrl(), ehr.tokenUrl(), pem, List.of("Patient", "Encounter"),
						"page-size", String.valueOf(pageSize));
				double seconds = runConnector(work, routesJar, fhir, yaml, "bench-ehr", List.of("Patient", "Encounter"), expected,
						() -> ehr.wireMock().getAllServeEvents().stream().mapToLong(e -> e.getRequest().getLoggedDate().getTime())
								.min().orElseThrow());
				figure(summary, String.format(Locale.ROOT, "fhir-r4 pull (simulated EHR → connector → hub): %d resources in %.1f s = %.0f resources/s (%d-resource pages)",
						expected, seconds, expected / seconds, pageSize));

				long t0 = System.nanoTime();
				int direct = 0;
				FhirR4PageMapper.Context ctx = new FhirR4PageMapper.Context("bench-direct", "bench-direct",
						"https://fhir.patient360.dev/source/bench-direct/", new LinkedHashSet<>(List.of("Patient", "Encounter")));
				for (String type : List.of("Patient", "Encounter")) {
					// Through JSON, as the connector gets them: the simulator's parsed Synthea objects still link
					// references to their bundle entries, which the encoder would write back as urn:uuid placeholders.
					List<Resource> all = new ArrayList<>();
					for (Resource served : ehr.all(type)) {
						Resource copy = (Resource) FHIR.newJsonParser().parseResource(FHIR.newJsonParser().encodeResourceToString(served));
						copy.setId(served.getIdElement().getIdPart());
						all.add(copy);
					}
					all.sort(Comparator.comparing((Resource r) -> r.getMeta().getLastUpdated()));
					for (int i = 0; i < all.size(); i += pageSize) {
						var tx = FhirR4PageMapper.map(all.subList(i, Math.min(all.size(), i + pageSize)), type, ctx,
								new FhirR4PageMapper.Origin("bench-", "bench")).transaction();
						HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(fhir))
								.header("Content-Type", "application/fhir+json")
								.POST(HttpRequest.BodyPublishers.ofString(FHIR.newJsonParser().encodeResourceToString(tx))).build(),
								HttpResponse.BodyHandlers.ofString());
						if (r.statusCode() != 200) {
							throw new IllegalStateException("hub answered " + r.statusCode() + ": " + r.body());
						}
						direct += tx.getEntry().size() - 1;
					}
				}
				double directSeconds = (System.nanoTime() - t0) / 1e9;
				figure(summary, String.format(Locale.ROOT, "direct to the hub (same resources, same mapper, %d per transaction, 1 client): %d resources in %.1f s = %.0f resources/s",
						pageSize, direct, directSeconds, direct / directSeconds));
			}

			try (BulkExportSimulator bulk = BulkExportSimulator.start(0, bulkDir, bulkTypes, "bench", (RSAPublicKey) keys.getPublic(),
					Duration.ofMinutes(5)).progressPolls(0, 0)) {
				int expected = bulkTypes.stream().mapToInt(bulk::count).sum();
				System.out.printf("fhir-bulk: %d resources of %s at the source%n", expected, bulkTypes);
				String yaml = instance("bench-bulk", "fhir-bulk", bulk.baseUrl(), bulk.tokenUrl(), pem, bulkTypes,
						"batch-size", String.valueOf(pageSize));
				double seconds = runConnector(work, routesJar, fhir, yaml, "bench-bulk", bulkTypes, expected,
						() -> bulk.wireMock().getAllServeEvents().stream().mapToLong(e -> e.getRequest().getLoggedDate().getTime())
								.min().orElseThrow());
				figure(summary, String.format(Locale.ROOT, "fhir-bulk export (bulk simulator → connector → hub): %d resources in %.1f s = %.0f resources/s (%d-line batches)",
						expected, seconds, expected / seconds, pageSize));
			}
		}
		finally {
			hub.destroy();
			hub.waitFor();
		}
		System.out.println();
		System.out.println("== connector benchmark ==");
		summary.forEach(System.out::println);
		Files.write(work.resolve("summary.txt"), summary);
	}

	private static double runConnector(Path work, Path routesJar, String fhir, String yaml, String id, List<String> types,
			int expected, java.util.function.LongSupplier firstRequest) throws Exception {
		Path config = work.resolve(id + ".yaml");
		Files.writeString(config, yaml);
		Process routes = start(work.resolve(id + "-routes.log"), Map.of("ROUTES_PORT", String.valueOf(freePort()),
				"ROUTES_HUB_URL", fhir, "ROUTES_CONNECTORS_FILE", config.toString(), "ROUTES_MLLP_ENABLED", "false",
				"ROUTES_HEARTBEAT_PERIOD", "1h", "ROUTES_DATA_DIR", work.resolve("routes-" + id).toString()),
				"-jar", routesJar.toString());
		try {
			String prefix = "https://fhir.patient360.dev/source/" + id + "/";
			waitFor(() -> {
				long n = 0;
				for (String t : types) {
					n += count(fhir, t, prefix);
				}
				return n >= expected;
			}, Duration.ofMinutes(30), id + " complete");
			long done = System.currentTimeMillis();
			return (done - firstRequest.getAsLong()) / 1000.0;
		}
		finally {
			routes.destroy();
			routes.waitFor();
		}
	}

	private static String instance(String id, String type, String base, String token, Path pem, List<String> types, String option,
			String value) {
		return """
				routes:
				  connectors:
				    instances:
				      - id: %s
				        type: %s
				        base-url: %s
				        source-system: %s
				        schedule: 1h
				        resource-types: [%s]
				        auth: {token-url: %s, client-id: bench, private-key: %s}
				        options: {%s: "%s"}
				""".formatted(id, type, base, id, String.join(", ", types), token, pem, option, value);
	}

	private static long count(String fhir, String type, String prefix) throws Exception {
		HttpResponse<String> r = get(fhir + "/" + type + "?_summary=count&identifier="
				+ URLEncoder.encode(prefix + type + "|", StandardCharsets.UTF_8));
		var m = java.util.regex.Pattern.compile("\"total\"\\s*:\\s*(\\d+)").matcher(r.body());
		return m.find() ? Long.parseLong(m.group(1)) : 0;
	}

	private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
		return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Cache-Control", "no-cache").GET().build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private interface Check {
		boolean ok() throws Exception;
	}

	private static void waitFor(Check check, Duration max, String what) throws Exception {
		long end = System.nanoTime() + max.toNanos();
		while (System.nanoTime() < end) {
			try {
				if (check.ok()) {
					return;
				}
			}
			catch (IOException e) {
				// not up yet
			}
			Thread.sleep(250);
		}
		throw new IllegalStateException("timed out waiting for " + what);
	}

	private static Process start(Path log, Map<String, String> env, String... javaArgs) throws IOException {
		List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-XX:+UseParallelGC", "-Xmx1g"));
		cmd.addAll(List.of(javaArgs));
		ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
		pb.environment().putAll(env);
		return pb.start();
	}

	private static int freePort() throws IOException {
		try (ServerSocket s = new ServerSocket(0)) {
			return s.getLocalPort();
		}
	}

	/** Printed at once as well, so a later phase failing does not lose it. */
	static void figure(List<String> summary, String line) {
		summary.add(line);
		System.out.println(line);
	}
}
