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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

import ca.uhn.fhir.context.FhirContext;
import dev.patient360.routes.kit.ConnectorState;
import dev.patient360.routes.kit.ConnectorsProperties;
import dev.patient360.routes.kit.SmartBackendTokens;
import dev.patient360.routes.kit.SourceHttp;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * One incremental pull of a {@code fhir-r4} instance: per resource type, in the configured order,
 * {@code GET [base]/Type?_lastUpdated=gt[watermark - skew]&_sort=_lastUpdated&_count=n}, then every
 * {@code Bundle.link[next]} verbatim until there is none. Each page is one hub transaction; the
 * watermark moves to the page's newest {@code meta.lastUpdated} only after the hub committed it, so
 * a crash or error resumes at the first uncommitted page (pages already written are upserted again,
 * which changes nothing).
 */
@Component
public class FhirR4Puller {

	public static final String TYPE = "fhir-r4";
	private static final Logger log = LoggerFactory.getLogger(FhirR4Puller.class);
	private static final FhirContext FHIR = FhirContext.forR4Cached();

	private final Map<String, ConnectorsProperties.Instance> instances;
	private final Map<String, SourceHttp> sources = new ConcurrentHashMap<>();
	private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
	private final ConnectorState state;
	private final FhirBatchWriter writer;
	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	FhirR4Puller(ConnectorsProperties props, ConnectorState state, FhirBatchWriter writer) {
		this.instances = props.instances().stream().filter(i -> TYPE.equals(i.type()))
				.collect(Collectors.toMap(ConnectorsProperties.Instance::id, i -> i));
		this.state = state;
		this.writer = writer;
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
		try {
			for (String type : instance.resourceTypes()) {
				try {
					pullType(instance, type);
					state.succeeded(instance.id(), type);
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
			lock.unlock();
		}
	}

	private void pullType(ConnectorsProperties.Instance instance, String type) throws IOException, InterruptedException {
		SourceHttp source = sources.computeIfAbsent(instance.id(), k -> new SourceHttp(http,
				instance.auth() == null ? null : new SmartBackendTokens(instance.auth(), http, Clock.systemUTC()),
				Integer.parseInt(instance.options().getOrDefault("max-attempts", "5"))));
		FhirR4PageMapper.Context ctx = new FhirR4PageMapper.Context(instance.id(), instance.sourceSystem(),
				identifierSystemPrefix(instance), new LinkedHashSet<>(instance.resourceTypes()));
		URI next = firstPage(instance, type, state.watermark(instance.id(), type));
		int pages = 0;
		while (next != null) {
			Bundle page = FHIR.newJsonParser().parseResource(Bundle.class, source.get(next, "application/fhir+json"));
			List<Resource> matches = FhirR4PageMapper.matches(page, type);
			if (!matches.isEmpty()) {
				FhirBatchWriter.Written w = writer.write(matches, type, ctx, FhirR4PageMapper.pageOrigin(ctx), next.toString());
				state.pageCommitted(instance.id(), type, w.newest() == null ? null : w.newest().toInstant(), w.written());
			}
			pages++;
			Bundle.BundleLinkComponent link = page.getLink(Bundle.LINK_NEXT);
			next = link == null || !link.hasUrl() ? null : URI.create(link.getUrl());
		}
		log.info("connector {} {}: {} page(s) pulled", instance.id(), type, pages);
	}

	static URI firstPage(ConnectorsProperties.Instance instance, String type, Optional<Instant> watermark) {
		String base = instance.baseUrl().toString().replaceAll("/+$", "");
		StringBuilder url = new StringBuilder(base).append('/').append(type)
				.append("?_sort=_lastUpdated&_count=").append(instance.options().getOrDefault("page-size", "50"));
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
