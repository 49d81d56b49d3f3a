package dev.patient360.profiles;

import java.util.Date;

import dev.patient360.profiles.Codes.DeliveryStatus;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Extension;

import static dev.patient360.profiles.Extensions.part;
import static dev.patient360.profiles.Extensions.value;

/**
 * What happened to a sent message (EngagementCommunication's {@code communication-tracking}
 * extension): the closed loop from sending to the patient's response.
 */
public record CommunicationTracking(DeliveryStatus status, Date delivered, Date opened, Date clicked, Date replied) {

	public static CommunicationTracking get(Communication communication) {
		Extension e = communication.getExtensionByUrl(Canonicals.EXT_COMMUNICATION_TRACKING);
		if (e == null) {
			return null;
		}
		return new CommunicationTracking(
				value(e, "delivery-status") instanceof CodeType c ? DeliveryStatus.ofCode(c.getValue()) : null,
				date(e, "delivered"), date(e, "opened"), date(e, "clicked"), date(e, "replied"));
	}

	public void set(Communication communication) {
		Extensions.removeAll(communication, Canonicals.EXT_COMMUNICATION_TRACKING);
		Extension e = communication.addExtension().setUrl(Canonicals.EXT_COMMUNICATION_TRACKING);
		part(e, "delivery-status", new CodeType(status.code()));
		part(e, "delivered", delivered == null ? null : new DateTimeType(delivered));
		part(e, "opened", opened == null ? null : new DateTimeType(opened));
		part(e, "clicked", clicked == null ? null : new DateTimeType(clicked));
		part(e, "replied", replied == null ? null : new DateTimeType(replied));
	}

	/** Whether the patient responded in any way (opened, clicked or replied). */
	public boolean responded() {
		return opened != null || clicked != null || replied != null;
	}

	private static Date date(Extension e, String part) {
		return value(e, part) instanceof DateTimeType d ? d.getValue() : null;
	}
}
