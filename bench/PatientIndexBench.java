import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Patient-index benchmark client, run by bench/patient-index.sh once per hub (index on, index off):
 *
 * <pre>java -cp jackson-*.jar bench/PatientIndexBench.java --fhir http://127.0.0.1:18090/fhir --bundles DIR --label on</pre>
 *
 * <ol>
 * <li>Warm-up: {@code --warmup-rounds} rounds over the first {@code --warmup-bundles} bundles, each
 * Patient disguised per round (other family name, birth date a century earlier, no identifiers) so
 * the warm-up's persons never match the measured ones;
 * <li>Ingestion: every bundle as three sources ({@code bench-a}, {@code bench-b}, {@code bench-c}):
 * each source tags every resource with its source-system code and gives the Patient its own MRN
 * system; bench-b has no social security number, so it is linked on name, birth date, gender and
 * address. All 3 × N transactions go through {@code --clients} concurrent clients from one queue,
 * source by source; resources/s = entries of 2xx answers / wall-clock seconds;
 * <li>{@code --everything-reads} (only with {@code --everything-reads} > 0, i.e. the index on): for
 * each person the golden record of its bench-a Patient ({@code $mdm-query-links}), kept if it has
 * exactly the three source Patients; then {@code GET Patient/{golden}/$everything?_count=100}
 * (first page) round robin, one at a time, untimed warm-up first; p50/p99 nearest rank.
 * </ol>
 * Loopback only; every phase bounded in count and time.
 */
public final class PatientIndexBench {

	private static final ObjectMapper JSON = new ObjectMapper();
	private static final String SOURCE_SYSTEM = "https://fhir.patient360.dev/CodeSystem/source-system";
	private static final String SYNTHEA_MRN = "https://github.com/synthetichealth/synthea";
	private static final String SSN = "http://hl7.org/fhir/sid/us-ssn";
	private static final List<String> SOURCES = List.of("bench-a", "bench-b", "bench-c");

	private final Map<String, String> opt = new HashMap<>();
	// HTTP/1.1 like bench/HubBench.java: the default h2c upgrade attempt on a POST with a body loses answers.
	private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(10)).build();
	private final String fhir;

	private PatientIndexBench(String[] args) {
		for (int i = 0; i + 1 < args.length; i += 2) {
			opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
		}
		fhir = opt.get("fhir");
		URI u = URI.create(fhir);
		if (!u.getHost().equals("127.0.0.1") && !u.getHost().equals("localhost")) {
			throw new IllegalArgumentException("loopback only: " + fhir);
		}
	}

	private int intOpt(String name, int dflt) {
		return Integer.parseInt(opt.getOrDefault(name, Integer.toString(dflt)));
	}

	public static void main(String[] args) throws Exception {
		new PatientIndexBench(args).run();
	}

	private record Job(String label, ObjectNode bundle, int entries, String source, int index) {
	}

	private void run() throws Exception {
		String label = opt.getOrDefault("label", "?");
		List<ObjectNode> bundles = loadBundles(Path.of(opt.get("bundles")), intOpt("bundle-limit", Integer.MAX_VALUE));
		int clients = intOpt("clients", 4);
		int warmupBundles = Math.min(intOpt("warmup-bundles", 30), bundles.size());
		int warmupRounds = intOpt("warmup-rounds", 3);
		for (int round = 1; round <= warmupRounds; round++) {
			List<Job> jobs = new ArrayList<>();
			for (int i = 0; i < warmupBundles; i++) {
				ObjectNode b = disguise(bundles.get(i), round);
				jobs.add(new Job("warmup", b, b.path("entry").size(), "bench-warmup", i));
			}
			Result r = ingest(jobs, clients, null, 600);
			System.out.printf(Locale.ROOT, "[%s] warm-up round %d: %d resources in %.1f s = %.0f resources/s, %d errors%n",
					label, round, r.resources, r.seconds, r.resources / r.seconds, r.errors);
		}
		List<Job> jobs = new ArrayList<>();
		for (String source : SOURCES) {
			for (int i = 0; i < bundles.size(); i++) {
				ObjectNode b = asSource(bundles.get(i), source);
				jobs.add(new Job("ingest", b, b.path("entry").size(), source, i));
			}
		}
		// person index -> source -> Patient id
		Map<Integer, Map<String, String>> patients = new java.util.concurrent.ConcurrentHashMap<>();
		Result r = ingest(jobs, clients, patients, intOpt("max-ingest-seconds", 1800));
		String line = String.format(Locale.ROOT,
				"[%s] ingestion, 3 sources x %d bundles, %d clients: %d resources in %.1f s = %.0f resources/s (%d errors)",
				label, bundles.size(), clients, r.resources, r.seconds, r.resources / r.seconds, r.errors);
		System.out.println(line);
		summary(line);
		if (r.errors > 0) {
			System.err.println("[" + label + "] " + r.errors + " failed transactions: not a valid result");
			System.exit(1);
		}
		int reads = intOpt("everything-reads", 0);
		if (reads > 0) {
			everything(label, patients, reads);
		}
	}

	private void summary(String line) throws IOException {
		String file = opt.get("summary-file");
		if (file != null) {
			Files.writeString(Path.of(file), line + System.lineSeparator(), StandardCharsets.UTF_8,
					java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
		}
	}

	private record Result(long resources, double seconds, int errors) {
	}

	private Result ingest(List<Job> jobs, int clients, Map<Integer, Map<String, String>> patients, int maxSeconds)
			throws Exception {
		ConcurrentLinkedQueue<Job> queue = new ConcurrentLinkedQueue<>(jobs);
		AtomicLong resources = new AtomicLong();
		AtomicInteger errors = new AtomicInteger();
		long deadline = System.nanoTime() + Duration.ofSeconds(maxSeconds).toNanos();
		long start = System.nanoTime();
		List<Thread> threads = new ArrayList<>();
		for (int c = 0; c < clients; c++) {
			Thread t = new Thread(() -> {
				Job job;
				while (System.nanoTime() < deadline && (job = queue.poll()) != null) {
					try {
						HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create(fhir))
								.timeout(Duration.ofSeconds(300))
								.header("Content-Type", "application/fhir+json")
								.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(job.bundle())))
								.build(), HttpResponse.BodyHandlers.ofString());
						if (resp.statusCode() / 100 != 2) {
							errors.incrementAndGet();
							System.err.println(job.source() + " bundle " + job.index() + ": HTTP " + resp.statusCode() + " "
									+ resp.body().substring(0, Math.min(400, resp.body().length())));
							continue;
						}
						resources.addAndGet(job.entries());
						if (patients != null) {
							String id = firstPatientId(resp.body());
							if (id != null) {
								patients.computeIfAbsent(job.index(), k -> new java.util.concurrent.ConcurrentHashMap<>())
										.put(job.source(), id);
							}
						}
					}
					catch (IOException e) {
						errors.incrementAndGet();
						System.err.println(job.source() + " bundle " + job.index() + ": " + e);
					}
					catch (InterruptedException e) {
						Thread.currentThread().interrupt();
						return;
					}
				}
			});
			threads.add(t);
			t.start();
		}
		for (Thread t : threads) {
			t.join();
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		if (!queue.isEmpty()) {
			System.err.println(queue.size() + " bundles not sent: time cap of " + maxSeconds + " s reached");
		}
		return new Result(resources.get(), seconds, errors.get() + queue.size());
	}

	private static String firstPatientId(String body) throws IOException {
		for (JsonNode e : JSON.readTree(body).path("entry")) {
			String location = e.path("response").path("location").asText("");
			if (location.startsWith("Patient/")) {
				return "Patient/" + location.split("/")[1];
			}
		}
		return null;
	}

	private void everything(String label, Map<Integer, Map<String, String>> patients, int reads) throws Exception {
		List<String> goldens = new ArrayList<>();
		for (Map<String, String> persons : patients.values()) {
			String a = persons.get("bench-a");
			if (a == null || persons.size() != 3) {
				continue;
			}
			JsonNode links = getJson("Patient/$mdm-query-links?matchResult=MATCH&resourceId=" + enc(a));
			String golden = null;
			for (JsonNode p : links.path("parameter")) {
				for (JsonNode part : p.path("part")) {
					if (part.path("name").asText().equals("goldenResourceId")) {
						golden = part.path("valueString").asText();
					}
				}
			}
			if (golden == null) {
				continue;
			}
			JsonNode sources = getJson("Patient/$mdm-query-links?matchResult=MATCH&_count=10&goldenResourceId=" + enc(golden));
			int n = 0;
			for (JsonNode p : sources.path("parameter")) {
				if (p.path("name").asText().equals("link")) {
					n++;
				}
			}
			if (n == 3) {
				goldens.add(golden);
			}
		}
		System.out.printf(Locale.ROOT, "[%s] golden records with exactly 3 source Patients: %d of %d persons%n", label,
				goldens.size(), patients.size());
		if (goldens.isEmpty()) {
			throw new IllegalStateException("no golden record with three sources");
		}
		Collections.shuffle(goldens, new Random(360));
		int warm = Math.min(100, reads);
		long maxNanos = Duration.ofSeconds(intOpt("max-everything-seconds", 240)).toNanos();
		long start = System.nanoTime();
		List<Long> times = new ArrayList<>();
		int entries = 0;
		for (int i = 0; i < warm + reads && System.nanoTime() - start < maxNanos; i++) {
			String golden = goldens.get(i % goldens.size());
			long t0 = System.nanoTime();
			HttpResponse<String> resp = get(golden + "/$everything?_count=100");
			long t = System.nanoTime() - t0;
			if (resp.statusCode() != 200) {
				throw new IllegalStateException(golden + "/$everything: HTTP " + resp.statusCode());
			}
			if (i >= warm) {
				times.add(t);
				if (i == warm) {
					entries = JSON.readTree(resp.body()).path("entry").size();
				}
			}
		}
		Collections.sort(times);
		String line = String.format(Locale.ROOT,
				"[%s] Patient/{golden}/$everything?_count=100 (first page, golden records with 3 sources): %d timed calls over %d goldens, "
						+ "p50 %.1f ms, p99 %.1f ms (e.g. %d entries on the first page)",
				label, times.size(), goldens.size(), pct(times, 50) / 1e6, pct(times, 99) / 1e6, entries);
		System.out.println(line);
		summary(line);
	}

	private static long pct(List<Long> sorted, int p) {
		int rank = (int) Math.ceil(p / 100.0 * sorted.size());
		return sorted.get(Math.max(0, rank - 1));
	}

	private HttpResponse<String> get(String path) throws IOException, InterruptedException {
		return http.send(HttpRequest.newBuilder(URI.create(fhir + "/" + path)).timeout(Duration.ofSeconds(120))
				.header("Accept", "application/fhir+json").header("Cache-Control", "no-cache").GET().build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private JsonNode getJson(String path) throws IOException, InterruptedException {
		HttpResponse<String> resp = get(path);
		if (resp.statusCode() != 200) {
			throw new IllegalStateException(path + ": HTTP " + resp.statusCode() + " " + resp.body());
		}
		return JSON.readTree(resp.body());
	}

	private static String enc(String s) {
		return URLEncoder.encode(s, StandardCharsets.UTF_8);
	}

	private static List<ObjectNode> loadBundles(Path dir, int limit) throws IOException {
		try (Stream<Path> files = Files.list(dir)) {
			List<Path> sorted = files.filter(p -> p.toString().endsWith(".json")).sorted().limit(limit).toList();
			List<ObjectNode> out = new ArrayList<>();
			for (Path p : sorted) {
				out.add((ObjectNode) JSON.readTree(p.toFile()));
			}
			return out;
		}
	}

	/** The bundle as source {@code source} sends it: every resource tagged, the Patient with its own MRN system. */
	private static ObjectNode asSource(ObjectNode original, String source) {
		ObjectNode bundle = original.deepCopy();
		for (JsonNode entry : bundle.path("entry")) {
			ObjectNode resource = (ObjectNode) entry.path("resource");
			ObjectNode meta = resource.has("meta") ? (ObjectNode) resource.get("meta") : resource.putObject("meta");
			ArrayNode tags = meta.has("tag") ? (ArrayNode) meta.get("tag") : meta.putArray("tag");
			tags.addObject().put("system", SOURCE_SYSTEM).put("code", source);
			if (resource.path("resourceType").asText().equals("Patient")) {
				ArrayNode ids = JSON.createArrayNode();
				for (JsonNode id : resource.path("identifier")) {
					String system = id.path("system").asText();
					if (system.equals(SSN) && source.equals("bench-b")) {
						continue;
					}
					ObjectNode copy = id.deepCopy();
					if (system.equals(SYNTHEA_MRN)) {
						copy.put("system", "urn:p360:bench:" + source + ":mrn");
					}
					ids.add(copy);
				}
				resource.set("identifier", ids);
			}
		}
		return bundle;
	}

	/** A person of its own per warm-up round: no identifiers, another family name, born a century earlier. */
	private static ObjectNode disguise(ObjectNode original, int round) {
		ObjectNode bundle = asSource(original, "bench-warmup");
		for (JsonNode entry : bundle.path("entry")) {
			ObjectNode resource = (ObjectNode) entry.path("resource");
			if (!resource.path("resourceType").asText().equals("Patient")) {
				continue;
			}
			resource.remove("identifier");
			String prefix = "Warm" + "abcdefghijklmnopqrstuvwxyz".charAt(round % 26) + "x";
			for (JsonNode name : resource.path("name")) {
				((ObjectNode) name).put("family", prefix + name.path("family").asText());
			}
			String birth = resource.path("birthDate").asText("");
			if (birth.length() >= 4) {
				int year = Integer.parseInt(birth.substring(0, 4)) - 100 - round;
				resource.put("birthDate", String.format(Locale.ROOT, "%04d", year) + birth.substring(4));
			}
		}
		return bundle;
	}
}
