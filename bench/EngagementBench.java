import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Client of bench/engagement.sh (docs/benchmarks.md, "Engagement engine").
 *
 * <pre>
 *   java -cp JACKSON EngagementBench.java ingest --base URL --bundles DIR --patients N --clients C --seed S
 *   java -cp JACKSON EngagementBench.java catch-up --base URL [--start true]
 * </pre>
 *
 * ingest: N patient transaction bundles made from the Synthea bundles as templates (template i mod
 * count): the Patient with a new name, birth date and identifier (so the patient index sees a new
 * person each time), its last 3 Encounters, its latest CareTeams, Conditions, MedicationRequests,
 * CarePlans and Claims that refer only to kept resources (at most 2 of each), and the Organizations/Practitioners
 * they need (conditional creates). Prints resources, seconds, resources/s and ms/resource.
 * catch-up: optionally POSTs $engagement-recompute, then polls it until COMPLETED and prints the
 * run's figures (its own started/finished times).
 */
public class EngagementBench {

	static final ObjectMapper JSON = new ObjectMapper();
	static final Set<String> SHARED = Set.of("Organization", "Practitioner", "PractitionerRole", "Location");
	static final Pattern URN = Pattern.compile("urn:uuid:[0-9a-fA-F-]{36}");

	public static void main(String[] args) throws Exception {
		Map<String, String> o = new HashMap<>();
		for (int i = 1; i + 1 < args.length; i += 2) {
			o.put(args[i].substring(2), args[i + 1]);
		}
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
		switch (args[0]) {
			case "ingest" -> ingest(http, o);
			case "catch-up" -> catchUp(http, o);
			default -> throw new IllegalArgumentException("mode ingest or catch-up");
		}
	}

	static void ingest(HttpClient http, Map<String, String> o) throws Exception {
		List<String> templates = templates(Path.of(o.get("bundles")));
		int patients = Integer.parseInt(o.get("patients"));
		int clients = Integer.parseInt(o.getOrDefault("clients", "4"));
		Random random = new Random(Long.parseLong(o.getOrDefault("seed", "1")));
		List<String> bodies = new ArrayList<>();
		AtomicLong resources = new AtomicLong();
		for (int i = 0; i < patients; i++) {
			String body = personalise(templates.get(i % templates.size()), random);
			resources.addAndGet(JSON.readTree(body).path("entry").size());
			bodies.add(body);
		}
		String url = o.get("base") + "/fhir";
		ExecutorService pool = Executors.newFixedThreadPool(clients);
		AtomicInteger next = new AtomicInteger();
		AtomicInteger failed = new AtomicInteger();
		long start = System.nanoTime();
		List<Future<?>> futures = new ArrayList<>();
		for (int c = 0; c < clients; c++) {
			futures.add(pool.submit(() -> {
				for (int i = next.getAndIncrement(); i < bodies.size(); i = next.getAndIncrement()) {
					HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5))
							.header("Content-Type", "application/fhir+json").header("Prefer", "return=minimal")
							.POST(HttpRequest.BodyPublishers.ofString(bodies.get(i))).build();
					try {
						HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
						if (r.statusCode() != 200 && failed.incrementAndGet() <= 3) {
							System.err.println("transaction " + i + ": " + r.statusCode() + " " + r.body().substring(0, Math.min(400, r.body().length())));
						}
					}
					catch (IOException | InterruptedException e) {
						failed.incrementAndGet();
					}
					if (i % 1000 == 999) {
						System.err.printf("  %d/%d bundles%n", i + 1, bodies.size());
					}
				}
				return null;
			}));
		}
		for (Future<?> f : futures) {
			f.get();
		}
		pool.shutdown();
		double seconds = (System.nanoTime() - start) / 1e9;
		System.out.printf("ingest patients=%d bundles-failed=%d resources=%d seconds=%.1f resources/s=%.1f ms/resource=%.3f%n",
				patients, failed.get(), resources.get(), seconds, resources.get() / seconds, seconds * 1000 / resources.get());
	}

	static void catchUp(HttpClient http, Map<String, String> o) throws Exception {
		String url = o.get("base") + "/fhir/$engagement-recompute";
		if (Boolean.parseBoolean(o.getOrDefault("start", "false"))) {
			http.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/fhir+json")
					.POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
		}
		Map<String, String> last = Map.of();
		Instant deadline = Instant.now().plus(Duration.ofHours(2));
		while (Instant.now().isBefore(deadline)) {
			String body = http.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/fhir+json").GET().build(),
					HttpResponse.BodyHandlers.ofString()).body();
			Map<String, String> p = new HashMap<>();
			for (JsonNode param : JSON.readTree(body).path("parameter")) {
				param.fields().forEachRemaining(f -> {
					if (f.getKey().startsWith("value")) {
						p.put(param.path("name").asText(), f.getValue().asText());
					}
				});
			}
			if (!p.equals(last)) {
				System.err.println("  catch-up " + p);
				last = p;
			}
			if ("COMPLETED".equals(p.get("state")) || "FAILED".equals(p.get("state"))) {
				double seconds = Duration.between(Instant.parse(p.get("started")), Instant.parse(p.get("finished"))).toMillis() / 1000.0;
				long processed = Long.parseLong(p.get("processed"));
				System.out.printf("catch-up state=%s patients=%d written=%d failed=%s seconds=%.1f patients/s=%.1f ms/patient=%.2f%n",
						p.get("state"), processed, Long.parseLong(p.get("written")), p.get("failed"), seconds,
						processed / seconds, seconds * 1000 / Math.max(1, processed));
				return;
			}
			Thread.sleep(2000);
		}
		throw new IllegalStateException("catch-up did not complete within 2 hours");
	}

	static List<String> templates(Path dir) throws IOException {
		List<Path> files;
		try (Stream<Path> s = Files.list(dir)) {
			files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
		}
		List<String> out = new ArrayList<>();
		for (Path f : files) {
			JsonNode bundle = JSON.readTree(f.toFile());
			List<JsonNode> entries = new ArrayList<>();
			bundle.path("entry").forEach(entries::add);
			Set<String> kept = new HashSet<>();
			List<JsonNode> encounters = entries.stream()
					.filter(e -> "Encounter".equals(e.path("resource").path("resourceType").asText())).toList();
			encounters.stream().skip(Math.max(0, encounters.size() - 3)).forEach(e -> kept.add(e.path("fullUrl").asText()));
			for (JsonNode e : entries) {
				String type = e.path("resource").path("resourceType").asText();
				if (type.equals("Patient") || SHARED.contains(type)) {
					kept.add(e.path("fullUrl").asText());
				}
			}
			// The latest of each clinical type whose references all point at kept resources.
			for (String type : List.of("CareTeam", "Condition", "MedicationRequest", "CarePlan", "Claim")) {
				int n = 0;
				for (int i = entries.size() - 1; i >= 0 && n < 2; i--) {
					JsonNode e = entries.get(i);
					if (!type.equals(e.path("resource").path("resourceType").asText())) {
						continue;
					}
					String fullUrl = e.path("fullUrl").asText();
					Matcher m = URN.matcher(e.path("resource").toString());
					boolean resolvable = true;
					while (m.find()) {
						resolvable &= kept.contains(m.group()) || m.group().equals(fullUrl);
					}
					if (resolvable) {
						kept.add(fullUrl);
						n++;
					}
				}
			}
			ArrayNode keptEntries = JSON.createArrayNode();
			entries.stream().filter(e -> kept.contains(e.path("fullUrl").asText())).forEach(keptEntries::add);
			((ObjectNode) bundle).set("entry", keptEntries);
			out.add(JSON.writeValueAsString(bundle));
		}
		return out;
	}

	/** A new person from a template: fresh uuids, name, birth date and identifier. */
	static String personalise(String template, Random random) throws IOException {
		Map<String, String> ids = new HashMap<>();
		Matcher m = URN.matcher(template);
		StringBuilder sb = new StringBuilder();
		while (m.find()) {
			m.appendReplacement(sb, ids.computeIfAbsent(m.group(), k -> "urn:uuid:" + new UUID(random.nextLong(), random.nextLong())));
		}
		m.appendTail(sb);
		JsonNode bundle = JSON.readTree(sb.toString());
		for (JsonNode e : bundle.path("entry")) {
			JsonNode r = e.path("resource");
			if ("Patient".equals(r.path("resourceType").asText())) {
				ObjectNode patient = (ObjectNode) r;
				ArrayNode identifiers = patient.putArray("identifier");
				identifiers.addObject().put("system", "https://fhir.patient360.dev/sid/bench-person")
						.put("value", new UUID(random.nextLong(), random.nextLong()).toString());
				ArrayNode names = patient.putArray("name");
				ObjectNode name = names.addObject();
				name.put("family", letters(random, 10));
				name.putArray("given").add(letters(random, 8));
				patient.put("birthDate", String.format("%d-%02d-%02d", 1930 + random.nextInt(85), 1 + random.nextInt(12),
						1 + random.nextInt(28)));
				patient.remove("telecom");
				patient.remove("address");
			}
		}
		return JSON.writeValueAsString(bundle);
	}

	static String letters(Random random, int n) {
		StringBuilder s = new StringBuilder();
		s.append((char) ('A' + random.nextInt(26)));
		for (int i = 1; i < n; i++) {
			s.append((char) ('a' + random.nextInt(26)));
		}
		return s.toString();
	}
}
