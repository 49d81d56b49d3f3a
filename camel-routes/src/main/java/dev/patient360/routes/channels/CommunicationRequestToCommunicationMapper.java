package dev.patient360.routes.channels;

import java.util.Date;
import java.util.TimeZone;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;

import dev.patient360.profiles.Canonicals;
import dev.patient360.profiles.Codes.DeliveryStatus;
import dev.patient360.profiles.Codes.NotDoneReason;
import dev.patient360.profiles.CommunicationTracking;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.CommunicationRequest;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * The Communication that records one delivery of a CommunicationRequest (EngagementCommunication):
 * same identifier as the request, based on it, with its purpose, channel, patient and subject matter
 * copied. Pure: no I/O.
 */
final class CommunicationRequestToCommunicationMapper {

	private CommunicationRequestToCommunicationMapper() {
	}

	static Communication map(CommunicationRequest request, DeliveryOutcome outcome) {
		Communication c = new Communication();
		c.getMeta().addProfile(Canonicals.PROFILE_COMMUNICATION);
		for (Identifier identifier : request.getIdentifier()) {
			c.addIdentifier(identifier.copy());
		}
		c.addBasedOn(new Reference("CommunicationRequest/" + request.getIdElement().getIdPart()));
		request.getCategory().forEach(cat -> c.addCategory(cat.copy()));
		request.getMedium().forEach(m -> c.addMedium(m.copy()));
		c.setSubject(request.getSubject().copy());
		request.getRecipient().forEach(r -> c.addRecipient(r.copy()));
		request.getAbout().forEach(a -> c.addAbout(a.copy()));
		if (request.hasPriority()) {
			c.setPriority(Communication.CommunicationPriority.fromCode(request.getPriority().toCode()));
		}
		Date at = Date.from(outcome.at());
		switch (outcome.kind()) {
			case SENT -> {
				c.setStatus(Communication.CommunicationStatus.COMPLETED);
				// UTC, so the record does not depend on the zone the app runs in.
				c.setSentElement(new DateTimeType(at, TemporalPrecisionEnum.SECOND, TimeZone.getTimeZone("UTC")));
				request.getPayload().forEach(p -> c.addPayload().setContent(p.getContent().copy()));
				new CommunicationTracking(DeliveryStatus.SENT, null, null, null, null).set(c);
			}
			case FAILED -> {
				c.setStatus(Communication.CommunicationStatus.NOTDONE);
				c.setStatusReason(NotDoneReason.DELIVERY_FAILED.concept());
				new CommunicationTracking(DeliveryStatus.FAILED, null, null, null, null).set(c);
			}
			case NO_ADDRESS -> {
				c.setStatus(Communication.CommunicationStatus.NOTDONE);
				c.setStatusReason(NotDoneReason.NO_ADDRESS.concept());
			}
			case UNKNOWN -> c.setStatus(Communication.CommunicationStatus.UNKNOWN);
		}
		return c;
	}
}
