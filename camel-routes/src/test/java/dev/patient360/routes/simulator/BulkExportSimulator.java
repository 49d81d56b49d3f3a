package dev.patient360.routes.simulator;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder.responseDefinition;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A FHIR Bulk Data export server on WireMock over the Synthea bulk NDJSON
 * ({@code ../shared/data/synthea-bulk-ndjson/<set>/<Type>.000.ndjson}): kick-off
 * {@code GET /fhir/Patient/$export} or {@code /fhir/Group/{id}/$export} with {@code _type} and
 * {@code _since} and {@code Prefer: respond-async} → 202 + {@code Content-Location}; the status URL
 * answers 202 with {@code X-Progress} and {@code Retry-After} {@code progressPolls} times, then the
 * manifest ({@code transactionTime} = kick-off time; NDJSON files of at most {@code linesPerFile}
 * lines per type; {@code deleted} files of transaction Bundles with DELETE entries for records
 * deleted since {@code _since}); {@code DELETE} on the status URL ends the job. Every request but
 * the token request needs a token from {@link SmartTokenEndpoint}. Records get a {@code meta.lastUpdated}
 * one millisecond apart from a day ago on, so {@code _since} selects what changed.
 */
public final class BulkExportSimulator implements AutoCloseable {

	public static final Path SYNTHEA_BULK = Path.of("../../shared/data/synthea-bulk-ndjson");
	private static final ObjectMapper JSON = new ObjectMapper();
	private static final String NAME = "bulk-export-simulator";

	private record Record(String id, Instant lastUpdated, String line) {
	}

	private record Job(String id, Instant transactionTime, List<String> types, Instant since, AtomicInteger polls,
			Map<String, List<String>> files) {
	}

	private final Map<String, Map<String, Record>> store = new ConcurrentHashMap<>();
	private final Map<String, Map<String, Instant>> deleted = new ConcurrentHashMap<>();
	private final Map<String, Job> jobs = new ConcurrentHashMap<>();
	private final WireMockServer server;
	public final SmartTokenEndpoint tokens;
	/** Faults for file downloads. */
	public final FaultSchedule faults = new FaultSchedule();
	public final AtomicInteger kickOffs = new AtomicInteger();
	public final Set<String> deletedJobs = ConcurrentHashMap.newKeySet();
	private volatile int progressPolls = 2;
	private volatile int linesPerFile = 500;
	private volatile int retryAfterSeconds = 1;
	private final AtomicInteger expireTokensAtFile = new AtomicInteger();

	private BulkExportSimulator(int port, SmartTokenEndpoint tokens) {
		this.tokens = tokens;
		this.server = new WireMockServer(options().bindAddress("127.0.0.1").port(port).containerThreads(16)
				.extensions(new Transformer()));
		server.stubFor(any(anyUrl()).willReturn(aResponse().withTransformers(NAME)));
		server.start();
	}

	/**
	 * Starts a simulator on {@code port} (0 = any free port) serving {@code types} from the NDJSON files
	 * in {@code dataDir} (e.g. {@code synthea-bulk-ndjson/10-patients}).
	 */
	public static BulkExportSimulator start(int port, Path dataDir, List<String> types, String clientId, RSAPublicKey publicKey,
			Duration tokenLifetime) throws IOException {
		BulkExportSimulator bulk = new BulkExportSimulator(port, new SmartTokenEndpoint(clientId, publicKey, tokenLifetime));
		Instant t = Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
		for (String type : types) {
			List<Path> files;
			try (Stream<Path> s = Files.list(dataDir)) {
				files = s.filter(f -> f.getFileName().toString().startsWith(type + ".") && f.toString().endsWith(".ndjson"))
						.sorted().toList();
			}
			Map<String, Record> records = new LinkedHashMap<>();
			for (Path f : files) {
				try (BufferedReader in = Files.newBufferedReader(f)) {
					String line;
					while ((line = in.readLine()) != null) {
						if (!line.isBlank()) {
							t = t.plusMillis(1);
							ObjectNode r = (ObjectNode) JSON.readTree(line);
							String id = r.path("id").asText();
							records.put(id, stamp(r, t));
						}
					}
				}
			}
			bulk.store.put(type, new ConcurrentHashMap<>(records));
		}
		return bulk;
	}

	/** For the demo: {@code BulkExportSimulator <port> <ndjson-dir> <client-id> <private-or-public-key.pem> [types]}. */
	public static void main(String[] args) throws Exception {
		List<String> types = args.length > 4 ? Arrays.asList(args[4].split(",")) : List.of("Patient", "Encounter");
		BulkExportSimulator bulk = start(Integer.parseInt(args[0]), Path.of(args[1]), types, args[2],
				Keys.publicKey(Path.of(args[3])), Duration.ofMinutes(5));
		System.out.println("Bulk export simulator: " + bulk.baseUrl() + " (token " + bulk.tokenUrl() + "), "
				+ types.stream().map(ty -> bulk.count(ty) + " " + ty).collect(Collectors.joining(", ")));
	}

	private static Record stamp(ObjectNode r, Instant lastUpdated) {
		((ObjectNode) r.withObject("/meta")).put("lastUpdated", lastUpdated.toString());
		return new Record(r.path("id").asText(), lastUpdated, r.toString());
	}

	public BulkExportSimulator progressPolls(int n, int retryAfterSeconds) {
		this.progressPolls = n;
		this.retryAfterSeconds = retryAfterSeconds;
		return this;
	}

	/**
	 * The {@code n}-th file request from now on is answered 401 and every token issued so far ends
	 * with it, as at an EHR that considers the caller's token expired mid-run (revoked, or its clock
	 * ahead of the {@code expires_in} it announced).
	 */
	public BulkExportSimulator expireTokensAtFileRequest(int n) {
		expireTokensAtFile.set(n);
		return this;
	}

	public BulkExportSimulator linesPerFile(int n) {
		this.linesPerFile = n;
		return this;
	}

	public String baseUrl() {
		return "http://127.0.0.1:" + server.port() + "/fhir";
	}

	public String tokenUrl() {
		return "http://127.0.0.1:" + server.port() + "/token";
	}

	public WireMockServer wireMock() {
		return server;
	}

	public int count(String type) {
		return store.getOrDefault(type, Map.of()).size();
	}

	public List<String> ids(String type) {
		return new ArrayList<>(store.getOrDefault(type, Map.of()).keySet());
	}

	/** Changes a record as the source would: {@code meta.lastUpdated} now. */
	public void change(String type, String id, Consumer<ObjectNode> edit) throws IOException {
		ObjectNode r = (ObjectNode) JSON.readTree(store.get(type).get(id).line());
		edit.accept(r);
		store.get(type).put(id, stamp(r, Instant.now()));
	}

	/** Deletes a record; exports with {@code _since} before now list it in their {@code deleted} files. */
	public void delete(String type, String id) {
		store.get(type).remove(id);
		deleted.computeIfAbsent(type, k -> new ConcurrentHashMap<>()).put(id, Instant.now());
	}

	/** Requests for NDJSON files answered with data. */
	public long filesServed() {
		return server.getAllServeEvents().stream()
				.filter(e -> e.getRequest().getUrl().startsWith("/files/") && e.getResponse().getStatus() == 200).count();
	}

	private ResponseDefinition answer(Request request) {
		String url = request.getUrl();
		String path = url.split("\\?", 2)[0];
		String method = request.getMethod().getName();
		if (path.equals("/token") && method.equals("POST")) {
			return tokens.answer(request.getBodyAsString(), tokenUrl());
		}
		if (!tokens.authorized(request.getHeader("Authorization"))) {
			return SmartTokenEndpoint.json(401, outcome("login"));
		}
		if (path.endsWith("/$export") && method.equals("GET")) {
			return kickOff(request);
		}
		if (path.startsWith("/jobs/")) {
			Job job = jobs.get(path.substring("/jobs/".length()));
			if (job == null) {
				return SmartTokenEndpoint.json(404, outcome("not-found"));
			}
			if (method.equals("DELETE")) {
				jobs.remove(job.id());
				deletedJobs.add(job.id());
				return responseDefinition().withStatus(202).build();
			}
			int poll = job.polls().incrementAndGet();
			if (poll <= progressPolls) {
				return responseDefinition().withStatus(202).withHeader("X-Progress", (100 * poll / (progressPolls + 1)) + "% exported")
						.withHeader("Retry-After", String.valueOf(retryAfterSeconds)).build();
			}
			return SmartTokenEndpoint.json(200, manifest(job));
		}
		if (path.startsWith("/files/") && method.equals("GET")) {
			if (expireTokensAtFile.getAndUpdate(n -> Math.max(0, n - 1)) == 1) {
				tokens.expireAllTokens();
				return SmartTokenEndpoint.json(401, outcome("expired"));
			}
			ResponseDefinition fault = faults.next();
			if (fault != null) {
				return fault;
			}
			String[] parts = path.substring("/files/".length()).split("/");
			Job job = parts.length == 2 ? jobs.get(parts[0]) : null;
			List<String> lines = job == null ? null : job.files().get(parts[1]);
			if (lines == null) {
				return SmartTokenEndpoint.json(404, outcome("not-found"));
			}
			return responseDefinition().withStatus(200).withHeader("Content-Type", "application/fhir+ndjson")
					.withBody(String.join("\n", lines) + "\n").build();
		}
		return SmartTokenEndpoint.json(404, outcome("not-supported"));
	}

	private ResponseDefinition kickOff(Request request) {
		if (!"respond-async".equals(request.getHeader("Prefer"))) {
			return SmartTokenEndpoint.json(400, outcome("required"));
		}
		kickOffs.incrementAndGet();
		String typeParam = param(request, "_type");
		List<String> types = typeParam == null ? new ArrayList<>(store.keySet()) : Arrays.asList(typeParam.split(","));
		String sinceParam = param(request, "_since");
		Instant since = sinceParam == null ? null : Instant.parse(sinceParam);
		String id = Long.toString(System.nanoTime(), 36);
		Job job = new Job(id, Instant.now(), types, since, new AtomicInteger(), new LinkedHashMap<>());
		for (String type : types) {
			List<String> lines = store.getOrDefault(type, Map.of()).values().stream()
					.filter(r -> since == null || r.lastUpdated().isAfter(since))
					.sorted(Comparator.comparing(Record::lastUpdated))
					.map(Record::line).toList();
			for (int i = 0; i < lines.size(); i += linesPerFile) {
				job.files().put(type + "." + (i / linesPerFile) + ".ndjson", lines.subList(i, Math.min(lines.size(), i + linesPerFile)));
			}
			if (since != null) {
				List<String> deletes = deleted.getOrDefault(type, Map.of()).entrySet().stream()
						.filter(e -> e.getValue().isAfter(since)).map(e -> deletionBundle(type, e.getKey())).toList();
				if (!deletes.isEmpty()) {
					job.files().put("deleted-" + type + ".ndjson", deletes);
				}
			}
		}
		jobs.put(id, job);
		return responseDefinition().withStatus(202).withHeader("Content-Location", "http://127.0.0.1:" + server.port() + "/jobs/" + id)
				.build();
	}

	private String manifest(Job job) {
		ObjectNode m = JSON.createObjectNode();
		m.put("transactionTime", job.transactionTime().toString());
		m.put("request", baseUrl() + "/$export");
		m.put("requiresAccessToken", true);
		ArrayNode output = m.putArray("output");
		ArrayNode deletedFiles = m.putArray("deleted");
		m.putArray("error");
		job.files().forEach((name, lines) -> {
			String url = "http://127.0.0.1:" + server.port() + "/files/" + job.id() + "/" + name;
			if (name.startsWith("deleted-")) {
				deletedFiles.addObject().put("type", "Bundle").put("url", url).put("count", lines.size());
			}
			else {
				output.addObject().put("type", name.substring(0, name.indexOf('.'))).put("url", url).put("count", lines.size());
			}
		});
		return m.toString();
	}

	private static String deletionBundle(String type, String id) {
		ObjectNode b = JSON.createObjectNode().put("resourceType", "Bundle").put("type", "transaction");
		b.putArray("entry").addObject().putObject("request").put("method", "DELETE").put("url", type + "/" + id);
		return b.toString();
	}

	private static String outcome(String code) {
		return "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"" + code + "\"}]}";
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
