package dev.patient360.routes.fhirr4;

import java.io.IOException;
import java.net.URI;
import java.util.List;

import ca.uhn.fhir.context.FhirContext;
import dev.patient360.routes.common.HubClient;
import dev.patient360.routes.kit.SourceHttp;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.stereotype.Component;

/**
 * The page loop both {@code fhir-r4} modes share: a source search from its first page through every
 * {@code Bundle.link[next]} verbatim; each page's matches become one hub transaction
 * ({@link FhirBatchWriter}), and only after the hub committed it is the caller told, so the caller's
 * watermark never runs ahead of the hub.
 */
@Component
class SearchPages {

	/** Called after a page's transaction is committed in the hub. */
	@FunctionalInterface
	interface Committed {
		void page(FhirBatchWriter.Written written);
	}

	private static final FhirContext FHIR = FhirContext.forR4Cached();

	private final FhirBatchWriter writer;

	SearchPages(FhirBatchWriter writer) {
		this.writer = writer;
	}

	/** Returns the number of pages read. */
	int follow(SourceHttp source, URI first, String type, FhirR4PageMapper.Context ctx, HubClient hub, Committed committed)
			throws IOException, InterruptedException {
		URI next = first;
		int pages = 0;
		while (next != null) {
			Bundle page = FHIR.newJsonParser().parseResource(Bundle.class, source.get(next, "application/fhir+json"));
			List<Resource> matches = FhirR4PageMapper.matches(page, type);
			if (!matches.isEmpty()) {
				committed.page(writer.write(hub, matches, type, ctx, FhirR4PageMapper.pageOrigin(ctx), next.toString()));
			}
			pages++;
			Bundle.BundleLinkComponent link = page.getLink(Bundle.LINK_NEXT);
			next = link == null || !link.hasUrl() ? null : URI.create(link.getUrl());
		}
		return pages;
	}
}
