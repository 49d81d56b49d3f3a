package dev.patient360.routes.channels;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Date;

import dev.patient360.profiles.Codes.DeliveryStatus;
import dev.patient360.profiles.CommunicationTracking;
import dev.patient360.routes.common.HubClient;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Communication;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Applies stored receipts, bounces and replies ({@code channel_event}) to the Communication of their
 * request, once the hub has it: {@code delivered} → delivery-status delivered with the time;
 * {@code failed} → failed; {@code bounced} → bounced; {@code replied} → the replied time (status kept).
 * An event applies once; a hub outage leaves the rest for the next round.
 */
@Component
class TrackingUpdater {

	static final int BATCH = 100;

	private static final Logger log = LoggerFactory.getLogger(TrackingUpdater.class);

	private final HubClient hub;
	private final ChannelOutbox outbox;

	TrackingUpdater(ChannelsHub hub, ChannelOutbox outbox) {
		this.hub = hub.client();
		this.outbox = outbox;
	}

	int applyPending() throws InterruptedException {
		int n = 0;
		for (ChannelOutbox.Event event : outbox.pendingEvents(BATCH)) {
			try {
				apply(event);
				outbox.applied(event.id());
				n++;
			}
			catch (HubClient.HubRejectedException e) {
				// A 412 means someone else updated it meanwhile: the next round reads it again.
				outbox.attempted(event.id());
				log.warn("Tracking event {} not applied: hub answered HTTP {}", event.id(), e.status());
			}
		}
		return n;
	}

	private void apply(ChannelOutbox.Event event) throws InterruptedException {
		String identifier = event.requestKey();
		if (identifier.startsWith("CommunicationRequest/")) {
			identifier = null;
		}
		String query = identifier == null ? "Communication?based-on=" + event.requestKey()
				: "Communication?identifier=" + URLEncoder.encode(identifier, StandardCharsets.UTF_8);
		Bundle found = hub.get(query, Bundle.class);
		if (found.getEntry().isEmpty() || !(found.getEntryFirstRep().getResource() instanceof Communication communication)) {
			log.warn("Tracking event {}: no Communication in the hub for its request", event.id());
			return;
		}
		CommunicationTracking old = CommunicationTracking.get(communication);
		CommunicationTracking updated = update(old, event.kind(), Date.from(event.occurredAt()));
		updated.set(communication);
		Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		tx.addEntry().setResource(communication).getRequest().setMethod(Bundle.HTTPVerb.PUT)
				.setUrl("Communication/" + communication.getIdElement().getIdPart())
				.setIfMatch("W/\"" + communication.getMeta().getVersionId() + "\"");
		hub.transaction(tx);
	}

	static CommunicationTracking update(CommunicationTracking old, String kind, Date at) {
		DeliveryStatus status = old == null || old.status() == null ? DeliveryStatus.SENT : old.status();
		Date delivered = old == null ? null : old.delivered();
		Date opened = old == null ? null : old.opened();
		Date clicked = old == null ? null : old.clicked();
		Date replied = old == null ? null : old.replied();
		switch (kind) {
			case "delivered" -> {
				status = DeliveryStatus.DELIVERED;
				delivered = at;
			}
			case "failed" -> status = DeliveryStatus.FAILED;
			case "bounced" -> status = DeliveryStatus.BOUNCED;
			case "replied" -> {
				replied = at;
				// A reply proves delivery, whatever receipts said or did not say.
				if (status == DeliveryStatus.SENT) {
					status = DeliveryStatus.DELIVERED;
				}
			}
			default -> throw new IllegalArgumentException(kind);
		}
		return new CommunicationTracking(status, delivered, opened, clicked, replied);
	}
}
