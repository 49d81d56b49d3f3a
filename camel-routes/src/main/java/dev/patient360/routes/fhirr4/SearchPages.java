package dev.patient360.routes.fhirr4;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import ca.uhn.fhir.context.FhirContext;
import dev.patient360.routes.common.HubClient;
import dev.patient360.routes.kit.SourceHttp;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The page loop both {@code fhir-r4} modes share: a source search from its first page through every
 * {@code Bundle.link[next]} verbatim; each page's matches become one hub transaction
 * ({@link FhirBatchWriter}), and only after the hub committed it is the caller told, so the caller's
 * watermark never runs ahead of the hub.
 * <p>
 * While the hub writes a page, the next one is already being read from the source (one page ahead,
 * never more): reading and writing overlap instead of taking turns. The source is still used by one
 * thread at a time, and a failure reading the next page surfaces only after the current page is
 * committed, as without the read-ahead.
 */
@Component
class SearchPages implements DisposableBean {

	/** Called after a page's transaction is committed in the hub. */
	@FunctionalInterface
	interface Committed {
		void page(FhirBatchWriter.Written written);
	}

	private static final FhirContext FHIR = FhirContext.forR4Cached();

	private final FhirBatchWriter writer;
	private final ExecutorService readAhead = Executors.newCachedThreadPool(r -> {
		Thread t = new Thread(r, "fhir-r4-read-ahead");
		t.setDaemon(true);
		return t;
	});

	SearchPages(FhirBatchWriter writer) {
		this.writer = writer;
	}

	/** Returns the number of pages read. */
	int follow(SourceHttp source, URI first, String type, FhirR4PageMapper.Context ctx, HubClient hub, Committed committed)
			throws IOException, InterruptedException {
		URI url = first;
		Bundle page = read(source, first);
		int pages = 0;
		while (page != null) {
			pages++;
			Bundle.BundleLinkComponent link = page.getLink(Bundle.LINK_NEXT);
			URI next = link == null || !link.hasUrl() ? null : URI.create(link.getUrl());
			Future<Bundle> following = next == null ? null : readAhead.submit(() -> read(source, next));
			try {
				List<Resource> matches = FhirR4PageMapper.matches(page, type);
				if (!matches.isEmpty()) {
					committed.page(writer.write(hub, matches, type, ctx, FhirR4PageMapper.pageOrigin(ctx), url.toString()));
				}
			}
			catch (InterruptedException | RuntimeException e) {
				if (following != null) {
					following.cancel(true);
				}
				throw e;
			}
			page = following == null ? null : await(following);
			url = next;
		}
		return pages;
	}

	private static Bundle read(SourceHttp source, URI url) throws IOException, InterruptedException {
		return FHIR.newJsonParser().parseResource(Bundle.class, source.get(url, "application/fhir+json"));
	}

	private static Bundle await(Future<Bundle> page) throws IOException, InterruptedException {
		try {
			return page.get();
		}
		catch (InterruptedException e) {
			page.cancel(true);
			throw e;
		}
		catch (ExecutionException e) {
			Throwable cause = e.getCause();
			if (cause instanceof IOException io) {
				throw io;
			}
			if (cause instanceof InterruptedException ie) {
				throw ie;
			}
			if (cause instanceof RuntimeException re) {
				throw re;
			}
			throw new IllegalStateException(cause);
		}
	}

	@Override
	public void destroy() {
		readAhead.shutdownNow();
	}
}
