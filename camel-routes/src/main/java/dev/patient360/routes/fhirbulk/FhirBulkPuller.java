package dev.patient360.routes.fhirbulk;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import dev.patient360.routes.common.HubClient;
import dev.patient360.routes.deadletter.DeadLetters;
import dev.patient360.routes.fhirr4.FhirBatchWriter;
import dev.patient360.routes.fhirr4.FhirR4PageMapper;
import dev.patient360.routes.fhirr4.FhirR4Puller;
import dev.patient360.routes.kit.ConnectorState;
import dev.patient360.routes.kit.ConnectorsProperties;
import dev.patient360.routes.kit.SmartBackendTokens;
import dev.patient360.routes.kit.SourceHttp;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * One run of a {@code fhir-bulk} instance: kick off {@code [base]/Patient/$export} (or
 * {@code Group/{group-id}/$export}) with {@code _type} and {@code _since} = the watermark (the
 * previous export's {@code transactionTime}, minus the skew), poll the status URL honouring
 * {@code Retry-After} and {@code X-Progress}, then stream each NDJSON file line by line into hub
 * transactions of {@code batch-size} resources, apply the {@code deleted} files as conditional
 * deletes, move the watermark to {@code transactionTime}, and DELETE the job at the source. The job
 * URL, its manifest and each completed file are in the routes database, so a run after a crash picks
 * up the same job at the first file not completed (re-reading a file written in part changes
 * nothing in the hub: the upserts are conditional and their Provenance ids derive from the batch).
 */
@Component
public class FhirBulkPuller {

	public static final String TYPE = "fhir-bulk";
	private static final Logger log = LoggerFactory.getLogger(FhirBulkPuller.class);
	private static final FhirContext FHIR = FhirContext.forR4Cached();
	private static final Duration MAX_POLL_WAIT = Duration.ofMinutes(1);

	private final Map<String, ConnectorsProperties.Instance> instances;
	private final Map<String, SourceHttp> sources = new ConcurrentHashMap<>();
	private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
	private final ConnectorState state;
	private final BulkJobs jobs;
	private final FhirBatchWriter writer;
	private final HubClient hub;
	private final DeadLetters deadLetters;
	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
			.followRedirects(HttpClient.Redirect.NORMAL).build();

	FhirBulkPuller(ConnectorsProperties props, ConnectorState state, BulkJobs jobs, FhirBatchWriter writer, HubClient hub,
			DeadLetters deadLetters) {
		this.instances = props.instances().stream().filter(i -> TYPE.equals(i.type()))
				.collect(Collectors.toMap(ConnectorsProperties.Instance::id, i -> i));
		this.state = state;
		this.jobs = jobs;
		this.writer = writer;
		this.hub = hub;
		this.deadLetters = deadLetters;
	}

	/** A scheduled run: skipped while the instance is paused after failures. */
	public void pullIfDue(String instanceId) throws InterruptedException {
		if (state.due(instanceId)) {
			pull(instanceId);
		}
		else {
			log.debug("connector {}: paused after failures, run skipped", instanceId);
		}
	}

	/** Runs (or resumes) one export of the instance now; runs of the same instance never overlap. */
	public void pull(String instanceId) throws InterruptedException {
		ConnectorsProperties.Instance instance = instances.get(instanceId);
		if (instance == null) {
			throw new IllegalArgumentException("no fhir-bulk instance " + instanceId);
		}
		ReentrantLock lock = locks.computeIfAbsent(instanceId, k -> new ReentrantLock());
		lock.lockInterruptibly();
		try {
			Exported exported = export(instance);
			for (String t : instance.resourceTypes()) {
				if (exported.refused().containsKey(t)) {
					int failures = state.failed(instance.id(), t, exported.refused().get(t), instance.schedule(), maxBackoff(instance));
					log.warn("connector {} {}: export done but a file was refused ({} in a row); the watermark stays for the "
							+ "next run", instance.id(), t, failures);
				}
				else {
					state.succeeded(instance.id(), t, exported.transactionTime());
				}
			}
		}
		catch (IOException | RuntimeException e) {
			// Messages carry a HUB code and a status, never source content.
			String error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
			String shortError = error.length() > 500 ? error.substring(0, 500) : error;
			Duration maxBackoff = maxBackoff(instance);
			int failures = 0;
			for (String t : instance.resourceTypes()) {
				failures = state.failed(instance.id(), t, shortError, instance.schedule(), maxBackoff);
			}
			log.warn("connector {}: export failed ({} in a row, paused for {}): {}", instance.id(), failures,
					ConnectorState.backoff(instance.schedule(), failures, maxBackoff), error);
		}
		finally {
			lock.unlock();
		}
	}

	/**
	 * An export's outcome: its {@code transactionTime}, and the types of which the source refused a
	 * file for good (type → error): their watermark stays, so the next export asks for their changes again.
	 */
	private record Exported(Instant transactionTime, Map<String, String> refused) {
	}

	/** Runs or resumes the export. */
	private Exported export(ConnectorsProperties.Instance instance) throws IOException, InterruptedException {
		SourceHttp source = sources.computeIfAbsent(instance.id(), k -> SourceHttp.of(http,
				instance.auth() == null ? null : new SmartBackendTokens(instance.auth(), http, Clock.systemUTC()), instance));
		Optional<BulkJobs.Job> current = jobs.current(instance.id());
		BulkJobs.Job job;
		if (current.isPresent()) {
			job = current.get();
			log.info("connector {}: resuming export job (since {})", instance.id(), job.since());
		}
		else {
			job = kickOff(instance, source);
		}
		BulkManifest manifest = job.manifest() != null ? BulkManifest.parse(job.manifest()) : poll(instance, source, job);
		SourceHttp files = manifest.requiresAccessToken() ? source : source.withoutToken();
		Set<String> done = jobs.doneFiles(instance.id());
		FhirR4PageMapper.Context ctx = new FhirR4PageMapper.Context(instance.id(), instance.sourceSystem(),
				FhirR4Puller.identifierSystemPrefix(instance), new LinkedHashSet<>(instance.resourceTypes()));
		int batchSize = Integer.parseInt(instance.options().getOrDefault("batch-size", "100"));
		for (String type : instance.resourceTypes()) {
			for (BulkManifest.File f : manifest.output()) {
				if (type.equals(f.type()) && !done.contains(f.url())) {
					try {
						int n = ingest(instance, files, f, ctx, batchSize);
						jobs.fileDone(instance.id(), f.url(), n);
						state.pageCommitted(instance.id(), type, null, n);
					}
					catch (FileRefusedException e) {
						jobs.fileRefused(instance.id(), f.url(), type, e.getMessage());
					}
				}
			}
		}
		for (BulkManifest.File f : manifest.deleted()) {
			if (!done.contains(f.url())) {
				try {
					int n = applyDeletions(instance, files, f, ctx);
					jobs.fileDone(instance.id(), f.url(), n);
				}
				catch (FileRefusedException e) {
					jobs.fileRefused(instance.id(), f.url(), null, e.getMessage());
				}
			}
		}
		// This run's refusals and those of an earlier run of the same job; a deleted file's (*) concerns every type.
		Map<String, String> refused = new LinkedHashMap<>();
		jobs.refusedFiles(instance.id()).forEach((type, error) -> {
			for (String t : type.equals("*") ? instance.resourceTypes() : List.of(type)) {
				refused.put(t, error);
			}
		});
		for (String type : instance.resourceTypes()) {
			if (!refused.containsKey(type)) {
				state.advanceWatermark(instance.id(), type, manifest.transactionTime());
			}
		}
		try {
			source.send(HttpRequest.newBuilder(URI.create(job.statusUrl())).DELETE(), HttpResponse.BodyHandlers.discarding());
		}
		catch (IOException e) {
			// The data is in the hub and the watermark moved; the source expires the job on its own.
			log.warn("connector {}: could not delete the finished export job: {}", instance.id(), e.getMessage());
		}
		jobs.forget(instance.id());
		log.info("connector {}: export of {} file(s) done ({} refused), watermark {}", instance.id(),
				manifest.output().size() + manifest.deleted().size(), refused.size(), manifest.transactionTime());
		return new Exported(manifest.transactionTime(), refused);
	}

	private BulkJobs.Job kickOff(ConnectorsProperties.Instance instance, SourceHttp source) throws IOException, InterruptedException {
		Instant since = null;
		List<Optional<Instant>> marks = instance.resourceTypes().stream().map(t -> state.watermark(instance.id(), t)).toList();
		if (marks.stream().allMatch(Optional::isPresent)) {
			since = marks.stream().map(Optional::get).min(Instant::compareTo).orElseThrow().minus(instance.skew());
		}
		URI url = kickOffUrl(instance, since);
		HttpResponse<String> response;
		try {
			response = source.send(HttpRequest.newBuilder(url).header("Accept", "application/fhir+json")
					.header("Prefer", "respond-async").GET(), HttpResponse.BodyHandlers.ofString());
		}
		catch (SourceHttp.SourceException e) {
			throw new BulkExportException("HUB-5012 the source refused the export kick-off with HTTP " + e.status());
		}
		Optional<String> location = response.headers().firstValue("Content-Location");
		if (response.statusCode() != 202 || location.isEmpty()) {
			throw new BulkExportException("HUB-5012 the export kick-off answered HTTP " + response.statusCode()
					+ (location.isEmpty() ? " without Content-Location" : ""));
		}
		String statusUrl = url.resolve(location.get()).toString();
		jobs.started(instance.id(), statusUrl, since);
		log.info("connector {}: export kicked off (since {})", instance.id(), since);
		return new BulkJobs.Job(instance.id(), statusUrl, since, null);
	}

	static URI kickOffUrl(ConnectorsProperties.Instance instance, Instant since) {
		String base = instance.baseUrl().toString().replaceAll("/+$", "");
		String group = instance.options().get("group-id");
		StringBuilder url = new StringBuilder(base).append('/')
				.append(group == null || group.isBlank() ? "Patient" : "Group/" + enc(group)).append("/$export")
				.append("?_type=").append(enc(String.join(",", instance.resourceTypes())));
		if (since != null) {
			url.append("&_since=").append(enc(since.toString()));
		}
		return URI.create(url.toString());
	}

	private BulkManifest poll(ConnectorsProperties.Instance instance, SourceHttp source, BulkJobs.Job job)
			throws IOException, InterruptedException {
		Duration timeout = duration(instance.options().getOrDefault("poll-timeout", "1h"));
		Instant deadline = Instant.now().plus(timeout);
		Duration wait = Duration.ofSeconds(1);
		while (true) {
			HttpResponse<String> response;
			try {
				response = source.send(HttpRequest.newBuilder(URI.create(job.statusUrl())).header("Accept", "application/json").GET(),
						HttpResponse.BodyHandlers.ofString());
			}
			catch (SourceHttp.SourceException e) {
				if (e.permanent() || e.status() == 500) {
					// The job failed or is gone at the source: the next run starts a new one.
					jobs.forget(instance.id());
					throw new BulkExportException("HUB-5013 the export job failed at the source: HTTP " + e.status());
				}
				throw e;
			}
			if (response.statusCode() == 200) {
				BulkManifest manifest = BulkManifest.parse(response.body());
				jobs.completed(instance.id(), response.body(), manifest.transactionTime(),
						manifest.output().size() + manifest.deleted().size());
				return manifest;
			}
			String progress = response.headers().firstValue("X-Progress").orElse(null);
			jobs.progress(instance.id(), progress);
			Optional<String> retryAfter = response.headers().firstValue("Retry-After");
			wait = retryAfter.isPresent() ? SourceHttp.retryAfter(retryAfter.get())
					: (wait.multipliedBy(2).compareTo(MAX_POLL_WAIT) > 0 ? MAX_POLL_WAIT : wait.multipliedBy(2));
			if (Instant.now().plus(wait).isAfter(deadline)) {
				// The job stays: the next run polls it again.
				throw new BulkExportException("HUB-5014 the export was not complete within " + timeout + " (" + progress + ")");
			}
			log.debug("connector {}: export in progress ({}), next poll in {}", instance.id(), progress, wait);
			Thread.sleep(Math.max(wait.toMillis(), 100));
		}
	}

	/**
	 * Requests one export file. A permanent 4xx makes the file's reference a dead letter and ends in
	 * {@link FileRefusedException}: the export goes on with the other files.
	 */
	private HttpResponse<InputStream> download(ConnectorsProperties.Instance instance, SourceHttp files, BulkManifest.File file)
			throws IOException, InterruptedException, FileRefusedException {
		try {
			return files.send(HttpRequest.newBuilder(URI.create(file.url())).header("Accept", "application/fhir+ndjson").GET(),
					HttpResponse.BodyHandlers.ofInputStream());
		}
		catch (SourceHttp.SourceException e) {
			if (!e.permanent()) {
				throw e;
			}
			String error = "HUB-5019 the source refused an export file with HTTP " + e.status();
			deadLetters.add(instance.id(), file.type() + " file", file.url(), file.type(),
					file.url().getBytes(StandardCharsets.UTF_8), "HUB-5019", error);
			log.warn("connector {}: a {} export file went to the dead letters (HUB-5019, HTTP {}); the export goes on", instance.id(),
					file.type(), e.status());
			throw new FileRefusedException(error);
		}
	}

	/** Streams one NDJSON file into the hub; returns the resources written. */
	private int ingest(ConnectorsProperties.Instance instance, SourceHttp files, BulkManifest.File file,
			FhirR4PageMapper.Context ctx, int batchSize) throws IOException, InterruptedException, FileRefusedException {
		HttpResponse<InputStream> response = download(instance, files, file);
		FhirR4PageMapper.Origin origin = new FhirR4PageMapper.Origin("fhirbulk-", "FHIR Bulk Data export of " + instance.sourceSystem());
		IParser parser = FHIR.newJsonParser();
		int written = 0;
		int read = 0;
		long lineNo = 0;
		List<Resource> batch = new ArrayList<>(batchSize);
		try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = in.readLine()) != null) {
				lineNo++;
				if (line.isBlank()) {
					continue;
				}
				read++;
				Resource r;
				try {
					r = (Resource) parser.parseResource(line);
				}
				catch (DataFormatException | ClassCastException e) {
					deadLetters.add(instance.id(), file.type() + " line " + lineNo, file.url(), file.type(),
							line.getBytes(StandardCharsets.UTF_8), "HUB-5016", "HUB-5016 an export line is not a FHIR resource");
					continue;
				}
				if (!file.type().equals(r.fhirType())) {
					deadLetters.add(instance.id(), file.type() + " line " + lineNo, file.url(), r.fhirType(),
							line.getBytes(StandardCharsets.UTF_8), "HUB-5016", "HUB-5016 a " + r.fhirType() + " in a " + file.type() + " file");
					continue;
				}
				batch.add(r);
				if (batch.size() == batchSize) {
					written += writer.write(batch, file.type(), ctx, origin, file.url()).written();
					batch.clear();
				}
			}
		}
		if (!batch.isEmpty()) {
			written += writer.write(batch, file.type(), ctx, origin, file.url()).written();
		}
		state.read(instance.id(), file.type(), read);
		return written;
	}

	/** Applies a {@code deleted} file (Bundles with DELETE entries) as conditional deletes by source identifier. */
	private int applyDeletions(ConnectorsProperties.Instance instance, SourceHttp files, BulkManifest.File file,
			FhirR4PageMapper.Context ctx) throws IOException, InterruptedException, FileRefusedException {
		HttpResponse<InputStream> response = download(instance, files, file);
		IParser parser = FHIR.newJsonParser();
		int deleted = 0;
		try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = in.readLine()) != null) {
				if (line.isBlank()) {
					continue;
				}
				Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
				for (Bundle.BundleEntryComponent e : parser.parseResource(Bundle.class, line).getEntry()) {
					IdType id = new IdType(e.getRequest().getUrl());
					if (e.getRequest().getMethod() == Bundle.HTTPVerb.DELETE && id.hasResourceType() && id.hasIdPart()
							&& ctx.syncedTypes().contains(id.getResourceType())) {
						tx.addEntry(FhirR4PageMapper.deletion(id.getResourceType(), id.getIdPart(), ctx));
					}
				}
				if (tx.hasEntry()) {
					try {
						hub.transaction(tx);
						deleted += tx.getEntry().size();
					}
					catch (HubClient.HubRejectedException e) {
						deadLetters.add(instance.id(), "deletion", file.url(), "Bundle", line.getBytes(StandardCharsets.UTF_8),
								"HUB-5020", "HUB-5020 hub refused to delete records deleted at the source, HTTP " + e.status()
										+ ": " + e.outcome());
						log.warn("connector {}: a deletion went to the dead letters (HUB-5020, hub HTTP {})", instance.id(), e.status());
					}
				}
			}
		}
		return deleted;
	}

	/** The source refused an export file for good; its reference is a dead letter already. */
	private static final class FileRefusedException extends Exception {
		FileRefusedException(String message) {
			super(message);
		}
	}

	static Duration maxBackoff(ConnectorsProperties.Instance instance) {
		return duration(instance.options().getOrDefault("max-backoff", "1h"));
	}

	static Duration duration(String value) {
		return Duration.parse("PT" + value.trim().toUpperCase(Locale.ROOT));
	}

	private static String enc(String s) {
		return URLEncoder.encode(s, StandardCharsets.UTF_8);
	}
}
