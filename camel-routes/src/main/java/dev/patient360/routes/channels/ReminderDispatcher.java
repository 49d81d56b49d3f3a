package dev.patient360.routes.channels;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import dev.patient360.profiles.Codes.ContactChannel;
import dev.patient360.profiles.Codes.ContactPurpose;
import dev.patient360.routes.common.HubClient;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.CommunicationRequest;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Sends due CommunicationRequests through their channel and records each delivery in the hub.
 *
 * <p><b>At most once.</b> Before a message goes out, the request version is claimed in
 * {@code channel_outbox} ({@code SENDING}); the outcome is written there right after the channel
 * answers, and only then is the hub told (Communication created by identifier and request completed,
 * in one transaction). A claim still {@code SENDING} when a poll meets it again belongs to a run
 * that stopped mid-send: the message may or may not have gone out, so it is not sent again; the
 * Communication says {@code unknown} and a dead letter (HUB-6051) asks an operator to check. A
 * channel that is unreachable before accepting anything releases the claim, so the next poll retries.
 * One dispatcher per outbox database (the poll route is single-threaded).
 */
@Component
class ReminderDispatcher {

	private static final Logger log = LoggerFactory.getLogger(ReminderDispatcher.class);

	private final HubClient hub;
	private final ChannelOutbox outbox;
	private final ChannelsProperties props;
	private final Clock clock;
	private final ProducerTemplate channels;

	ReminderDispatcher(ChannelsHub hub, ChannelOutbox outbox, ChannelsProperties props, Clock clock, ProducerTemplate channels) {
		this.hub = hub.client();
		this.outbox = outbox;
		this.props = props;
		this.clock = clock;
		this.channels = channels;
	}

	/** One poll: every active request due now (up to the batch size). Returns how many were looked at. */
	int dispatchDue() throws InterruptedException {
		Instant now = clock.instant();
		Bundle due = hub.get("CommunicationRequest?status=active&occurrence=le" + now + "&_sort=occurrence&_count="
				+ props.batchSize(), Bundle.class);
		int n = 0;
		for (Bundle.BundleEntryComponent entry : due.getEntry()) {
			if (entry.getResource() instanceof CommunicationRequest request) {
				dispatch(request);
				n++;
			}
		}
		return n;
	}

	void dispatch(CommunicationRequest request) throws InterruptedException {
		String id = request.getIdElement().getIdPart();
		String version = request.getMeta().getVersionId() == null ? "1" : request.getMeta().getVersionId();
		String key = key(request);
		Optional<ChannelOutbox.Row> existing = outbox.find(key, version);
		if (existing.isPresent()) {
			resume(request, existing.get());
			return;
		}
		ContactChannel channel = request.getMedium().stream().flatMap(m -> m.getCoding().stream())
				.map(ContactChannel::of).filter(c -> c != null).findFirst().orElse(null);
		ContactPurpose purpose = request.getCategory().stream().flatMap(c -> c.getCoding().stream())
				.map(ContactPurpose::of).filter(p -> p != null).findFirst().orElse(null);
		String text = request.getPayload().stream().filter(p -> p.hasContentStringType())
				.map(p -> p.getContentStringType().getValue()).findFirst().orElse(null);
		if (channel != ContactChannel.EMAIL && channel != ContactChannel.SMS || purpose == null || text == null
				|| !request.getSubject().getReference().startsWith("Patient/")) {
			outbox.unusable(key, version, id, "HUB-6058",
					"HUB-6058 request has no email/sms medium, no purpose, no payload text or no Patient subject");
			return;
		}
		if (channel == ContactChannel.EMAIL && !props.smtp().enabled() || channel == ContactChannel.SMS && !props.sms().enabled()) {
			// Not configured here: the request waits for a deployment that has the channel.
			return;
		}
		Patient patient = hub.get(request.getSubject().getReference(), Patient.class);
		Optional<String> address = ContactAddressResolver.resolve(patient, purpose, channel);
		if (address.isEmpty()) {
			DeliveryOutcome outcome = new DeliveryOutcome(DeliveryOutcome.Kind.NO_ADDRESS, clock.instant(), null);
			if (outbox.claim(key, version, id, channel.code(), outcome.kind().name())) {
				outbox.outcome(key, version, outcome);
				log.info("CommunicationRequest/{} not sent: HUB-6050 no {} address", id, channel.code());
				record(request, key, version, outcome);
			}
			return;
		}
		if (!outbox.claim(key, version, id, channel.code(), "SENDING")) {
			return;
		}
		Exchange sent = channels.request(channel == ContactChannel.EMAIL ? ChannelRoutes.EMAIL : ChannelRoutes.SMS, e -> {
			e.getIn().setHeader(ChannelRoutes.ADDRESS, address.get());
			e.getIn().setHeader(ChannelRoutes.REQUEST_KEY, key);
			e.getIn().setHeader(ChannelRoutes.REFERENCE, reference(request));
			e.getIn().setBody(text);
		});
		DeliveryOutcome outcome;
		if (sent.getException() == null) {
			outcome = new DeliveryOutcome(DeliveryOutcome.Kind.SENT, clock.instant(),
					sent.getMessage().getHeader(ChannelRoutes.PROVIDER_ID, String.class));
		}
		else if (ChannelRoutes.permanent(sent.getException())) {
			outcome = new DeliveryOutcome(DeliveryOutcome.Kind.FAILED, clock.instant(), null);
			String code = channel == ContactChannel.SMS ? "HUB-6052" : "HUB-6054";
			outbox.deadLetter(key + "|" + version, id, code, code + " " + channel.code() + " channel refused the message: "
					+ sent.getException().getClass().getSimpleName());
		}
		else {
			outbox.release(key, version);
			log.warn("CommunicationRequest/{}: {} channel unavailable ({}), retried next poll", id, channel.code(),
					sent.getException().getClass().getSimpleName());
			return;
		}
		outbox.outcome(key, version, outcome);
		record(request, key, version, outcome);
	}

	private void resume(CommunicationRequest request, ChannelOutbox.Row row) throws InterruptedException {
		switch (row.status()) {
			case "SENDING" -> {
				DeliveryOutcome unknown = new DeliveryOutcome(DeliveryOutcome.Kind.UNKNOWN, clock.instant(), null);
				outbox.outcome(row.key(), row.version(), unknown);
				outbox.deadLetter(row.key() + "|" + row.version(), row.requestId(), "HUB-6051",
						"HUB-6051 the app stopped while sending; not sent again, check the " + row.channel() + " channel");
				record(request, row.key(), row.version(), unknown);
			}
			case "SENT", "FAILED", "NO_ADDRESS", "UNKNOWN" -> record(request, row.key(), row.version(),
					new DeliveryOutcome(DeliveryOutcome.Kind.valueOf(row.status()), row.outcomeAt(), row.providerId()));
			default -> {
				// DONE (the search index lags the completion) or UNUSABLE (a dead letter says why).
			}
		}
	}

	/**
	 * Creates the Communication (conditionally, by the request's identifier) and completes the request
	 * in one transaction. A request changed in the meantime (rescheduled text, revoked) is read again:
	 * what was sent stays recorded, and only an active request is completed.
	 */
	private void record(CommunicationRequest request, String key, String version, DeliveryOutcome outcome)
			throws InterruptedException {
		CommunicationRequest current = request;
		for (int attempt = 0; ; attempt++) {
			try {
				Bundle response = hub.transaction(completion(current, outcome, request));
				String location = response.getEntryFirstRep().getResponse().getLocation();
				outbox.done(key, version, location == null ? null : location.replaceAll("/_history/.*$", ""));
				return;
			}
			catch (HubClient.HubRejectedException e) {
				if ((e.status() == 412 || e.status() == 409) && attempt == 0) {
					current = hub.get("CommunicationRequest/" + request.getIdElement().getIdPart(), CommunicationRequest.class);
					continue;
				}
				outbox.outcome(key, version, outcome);
				outbox.unusable(key, version + "-rejected", request.getIdElement().getIdPart(), "HUB-4021",
						"HUB-4021 hub refused the Communication or the completion with HTTP " + e.status());
				outbox.done(key, version, null);
				return;
			}
		}
	}

	private static Bundle completion(CommunicationRequest current, DeliveryOutcome outcome, CommunicationRequest sent) {
		Communication communication = CommunicationRequestToCommunicationMapper.map(sent, outcome);
		Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		Bundle.BundleEntryRequestComponent post = tx.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID())
				.setResource(communication).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Communication");
		Identifier identifier = sent.getIdentifierFirstRep();
		if (identifier.hasSystem() && identifier.hasValue()) {
			post.setIfNoneExist("identifier=" + URLEncoder.encode(identifier.getSystem() + "|" + identifier.getValue(),
					StandardCharsets.UTF_8));
		}
		if (current.getStatus() == CommunicationRequest.CommunicationRequestStatus.ACTIVE) {
			CommunicationRequest completed = current.copy();
			completed.setStatus(CommunicationRequest.CommunicationRequestStatus.COMPLETED);
			String id = current.getIdElement().getIdPart();
			tx.addEntry().setResource(completed)
					.getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl("CommunicationRequest/" + id)
					.setIfMatch("W/\"" + current.getMeta().getVersionId() + "\"");
		}
		return tx;
	}

	/** The outbox key: the request's identifier (what its Communication will carry), else its id. */
	static String key(CommunicationRequest request) {
		Identifier identifier = request.getIdentifierFirstRep();
		if (identifier.hasSystem() && identifier.hasValue()) {
			return identifier.getSystem() + "|" + identifier.getValue();
		}
		return "CommunicationRequest/" + request.getIdElement().getIdPart();
	}

	/** What the channel's far side sees of the request: its identifier value, no patient data. */
	private static String reference(CommunicationRequest request) {
		Identifier identifier = request.getIdentifierFirstRep();
		return identifier.hasValue() ? identifier.getValue() : request.getIdElement().getIdPart();
	}
}
