package dev.patient360.routes.fhirr4;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

import dev.patient360.routes.common.HubClient;
import dev.patient360.routes.kit.ConnectorState;
import dev.patient360.routes.kit.ConnectorsProperties;
import dev.patient360.routes.kit.InstanceHubClients;
import dev.patient360.routes.kit.SmartBackendTokens;
import dev.patient360.routes.kit.SourceHttp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * One incremental pull of a {@code fhir-r4} instance, per resource type in the configured order. In
 * the default mode ({@code options.mode: all-patients}): {@code GET [base]/Type?_lastUpdated=gt[watermark
 * - skew]&_sort=_lastUpdated&_count=n}, then every {@code Bundle.link[next]} verbatim until there is
 * none ({@link SearchPages}). Each page is one hub transaction; the watermark moves to the page's
 * newest {@code meta.lastUpdated} only after the hub committed it, so a crash or error resumes at the
 * first uncommitted page (pages already written are upserted again, which changes nothing). In
 * {@code patient-scoped} mode the same page loop runs per patient the hub knows, with a watermark
 * per patient ({@link PatientScopedPull}).
 */
@Component
public class FhirR4Puller {

	public static final String TYPE = "fhir-r4";
	static final String MODE_OPTION = "mode";
	static final String ALL_PATIENTS = "all-patients";
	static final String PATIENT_SCOPED = "patient-scoped";
	static final String PATIENT_IDENTIFIER_SYSTEM_OPTION = "patient-identifier-system";
	private static final Logger log = LoggerFactory.getLogger(FhirR4Puller.class);

	/** How a run pulls one resource type; closed when the run ends. */
	interface TypePull extends AutoCloseable {
		void pull(String type) throws IOException, InterruptedException;

		@Override
		default void close() {
		}
	}

	private final Map<String, ConnectorsProperties.Instance> instances;
	private final Map<String, SourceHttp> sources = new ConcurrentHashMap<>();
	private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
	private final ConnectorState state;
	private final SearchPages pages;
	private final PatientScopedPull patientScoped;
	private final InstanceHubClients hubs;
	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	FhirR4Puller(ConnectorsProperties props, ConnectorState state, SearchPages pages, PatientScopedPull patientScoped,
			InstanceHubClients hubs) {
		this.instances = props.instances().stream().filter(i -> TYPE.equals(i.type()))
				.collect(Collectors.toMap(ConnectorsProperties.Instance::id, i -> i));
		this.instances.values().forEach(FhirR4Puller::checkMode);
		this.state = state;
		this.pages = pages;
		this.patientScoped = patientScoped;
		this.hubs = hubs;
	}

	/** A configuration the mode cannot run stops the app at start, not at every scheduled run. */
	static void checkMode(ConnectorsProperties.Instance instance) {
		String mode = mode(instance);
		if (!mode.equals(ALL_PATIENTS) && !mode.equals(PATIENT_SCOPED)) {
			throw new IllegalStateException("HUB-5024 instance " + instance.id() + ": options.mode must be " + ALL_PATIENTS
					+ " or " + PATIENT_SCOPED + ", not " + mode);
		}
		if (mode.equals(PATIENT_SCOPED) && instance.resourceTypes().contains("Patient")) {
			throw new IllegalStateException("HUB-5024 instance " + instance.id() + ": a " + PATIENT_SCOPED
					+ " instance reads the data of Patients the hub already has; Patient cannot be one of its resource-types");
		}
	}

	static String mode(ConnectorsProperties.Instance instance) {
		return instance.options().getOrDefault(MODE_OPTION, ALL_PATIENTS);
	}

	/** A scheduled run: skipped while the instance is paused after failures ({@link ConnectorState#due}). */
	public void pullIfDue(String instanceId) throws InterruptedException {
		if (state.due(instanceId)) {
			pull(instanceId);
		}
		else {
			log.debug("connector {}: paused after failures, run skipped", instanceId);
		}
	}

	/** Pulls everything new of one instance now; runs of the same instance never overlap. */
	public void pull(String instanceId) throws InterruptedException {
		ConnectorsProperties.Instance instance = instances.get(instanceId);
		if (instance == null) {
			throw new IllegalArgumentException("no fhir-r4 instance " + instanceId);
		}
		ReentrantLock lock = locks.computeIfAbsent(instanceId, k -> new ReentrantLock());
		lock.lockInterruptibly();
		TypePull run = null;
		try {
			for (String type : instance.resourceTypes()) {
				try {
					if (run == null) {
						run = start(instance);
					}
					Instant started = Instant.now();
					run.pull(type);
					state.succeeded(instance.id(), type, started);
				}
				catch (IOException | RuntimeException e) {
					// Messages carry a HUB code and a status, never source content.
					String error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
					int failures = state.failed(instance.id(), type, error.length() > 500 ? error.substring(0, 500) : error,
							instance.schedule(), maxBackoff(instance));
					log.warn("connector {} {}: pull failed ({} in a row, paused for {}): {}", instance.id(), type, failures,
							ConnectorState.backoff(instance.schedule(), failures, maxBackoff(instance)), error);
					// Later types may reference this one: stop here, resume next run.
					return;
				}
			}
		}
		finally {
			if (run != null) {
				run.close();
			}
			lock.unlock();
		}
	}

	private TypePull start(ConnectorsProperties.Instance instance) {
		SourceHttp source = sources.computeIfAbsent(instance.id(), k -> SourceHttp.of(http,
				instance.auth() == null ? null : new SmartBackendTokens(instance.auth(), http, Clock.systemUTC()), instance));
		HubClient hub = hubs.of(instance);
		FhirR4PageMapper.Context ctx = new FhirR4PageMapper.Context(instance.id(), instance.sourceSystem(),
				identifierSystemPrefix(instance), new LinkedHashSet<>(instance.resourceTypes()));
		if (PATIENT_SCOPED.equals(mode(instance))) {
			return patientScoped.run(instance, source, hub, ctx);
		}
		return type -> {
			int n = pages.follow(source, firstPage(instance, type, state.watermark(instance.id(), type), Map.of()), type, ctx, hub,
					w -> {
						state.read(instance.id(), type, w.written() + w.deadLettered());
						state.pageCommitted(instance.id(), type, w.newest() == null ? null : w.newest().toInstant(), w.written());
					});
			log.info("connector {} {}: {} page(s) pulled", instance.id(), type, n);
		};
	}

	/** The first page of a search, with {@code params} (e.g. {@code patient}) before the paging and watermark ones. */
	static URI firstPage(ConnectorsProperties.Instance instance, String type, Optional<Instant> watermark,
			Map<String, String> params) {
		String base = instance.baseUrl().toString().replaceAll("/+$", "");
		StringBuilder url = new StringBuilder(base).append('/').append(type).append('?');
		params.forEach((k, v) -> url.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)).append('&'));
		url.append("_sort=_lastUpdated&_count=").append(instance.options().getOrDefault("page-size", "50"));
		watermark.ifPresent(w -> url.append("&_lastUpdated=gt")
				.append(URLEncoder.encode(w.minus(instance.skew()).toString(), StandardCharsets.UTF_8)));
		return URI.create(url.toString());
	}

	static Duration maxBackoff(ConnectorsProperties.Instance instance) {
		return Duration.parse("PT" + instance.options().getOrDefault("max-backoff", "1h").toUpperCase(java.util.Locale.ROOT));
	}

	public static String identifierSystemPrefix(ConnectorsProperties.Instance instance) {
		return instance.options().getOrDefault("identifier-system-prefix",
				"https://fhir.patient360.dev/source/" + instance.sourceSystem() + "/");
	}
}
