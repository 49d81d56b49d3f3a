package dev.patient360.routes.fhirr4;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;

import ca.uhn.fhir.context.FhirContext;
import dev.patient360.routes.common.HubClient;
import dev.patient360.routes.deadletter.DeadLetters;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Writes a batch of source FHIR resources of one type to the hub as one transaction
 * ({@link FhirR4PageMapper}). When the hub refuses the batch (4xx), each resource is sent on its own
 * and those the hub still refuses go to the dead letters ({@code HUB-5018}), so one bad record
 * neither blocks the connector nor takes its neighbours with it. Unavailability of the hub
 * ({@link HubClient.HubUnavailableException}) propagates: the run stops and resumes later.
 */
@Component
public class FhirBatchWriter {

	private static final Logger log = LoggerFactory.getLogger(FhirBatchWriter.class);
	private static final FhirContext FHIR = FhirContext.forR4Cached();

	/** Resources written, resources dead-lettered, and the newest source {@code meta.lastUpdated} of the batch. */
	public record Written(int written, int deadLettered, Date newest) {
	}

	private final HubClient hub;
	private final DeadLetters deadLetters;

	FhirBatchWriter(HubClient hub, DeadLetters deadLetters) {
		this.hub = hub;
		this.deadLetters = deadLetters;
	}

	public Written write(List<? extends Resource> resources, String resourceType, FhirR4PageMapper.Context ctx,
			FhirR4PageMapper.Origin origin, String sourceRef) throws InterruptedException {
		return write(hub, resources, resourceType, ctx, origin, sourceRef);
	}

	/** As {@link #write(List, String, FhirR4PageMapper.Context, FhirR4PageMapper.Origin, String)}, as the given hub client. */
	public Written write(HubClient hub, List<? extends Resource> resources, String resourceType, FhirR4PageMapper.Context ctx,
			FhirR4PageMapper.Origin origin, String sourceRef) throws InterruptedException {
		FhirR4PageMapper.Result all = FhirR4PageMapper.map(resources, resourceType, ctx, origin);
		if (all.resources() == 0) {
			return new Written(0, 0, null);
		}
		try {
			hub.transaction(all.transaction());
			return new Written(all.resources(), 0, all.newest());
		}
		catch (HubClient.HubRejectedException batchRejected) {
			log.warn("connector {} {}: hub refused a batch of {} (HTTP {}); writing them one by one", ctx.connector(),
					resourceType, all.resources(), batchRejected.status());
		}
		int written = 0;
		int dead = 0;
		for (Resource r : resources) {
			FhirR4PageMapper.Result one = FhirR4PageMapper.map(List.of(r), resourceType, ctx, origin);
			try {
				hub.transaction(one.transaction());
				written++;
			}
			catch (HubClient.HubRejectedException e) {
				dead++;
				String id = resourceType + "/" + r.getIdElement().getIdPart();
				boolean added = deadLetters.add(ctx.connector(), id, sourceRef, resourceType,
						FHIR.newJsonParser().encodeResourceToString(r).getBytes(StandardCharsets.UTF_8), "HUB-5018",
						"HUB-5018 hub refused the record with HTTP " + e.status() + ": " + e.outcome());
				log.warn("connector {}: {} {} the dead letters (HUB-5018, hub HTTP {})", ctx.connector(), resourceType,
						added ? "went to" : "refused again, already in", e.status());
			}
		}
		return new Written(written, dead, all.newest());
	}
}
