package dev.patient360.routes.scheduling;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Date;
import java.util.Locale;
import java.util.TimeZone;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import com.fasterxml.jackson.databind.JsonNode;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Reference;

/**
 * One Cal.com booking (API v2 {@code GET /v2/bookings} item, or the {@code payload} of a webhook
 * delivery, whose field names differ slightly) → an Appointment with its participants, added to an
 * {@link AppointmentTransaction}. Pure: no I/O, no clock.
 *
 * <ul>
 * <li>key: the booking {@code uid}; a booking made by rescheduling ({@code rescheduledFromUid}, in
 * webhooks {@code rescheduleUid}) updates the Appointment of the booking it replaces, which then
 * carries both uids; a booking that was replaced ({@code rescheduledToUid}) is skipped, its successor
 * carries the Appointment.</li>
 * <li>status: accepted → booked (noshow when every attendee was absent), pending/awaiting_host →
 * pending, cancelled/rejected → cancelled.</li>
 * <li>start/end: instants shown in the organizer's time zone (else the first attendee's, else UTC).</li>
 * <li>participants: attendees → Patient by e-mail, organizer/host → Practitioner by e-mail, location →
 * Location.</li>
 * </ul>
 */
public final class CalComBookingToFhirAppointmentMapper {

	private CalComBookingToFhirAppointmentMapper() {
	}

	/** Maps one booking into {@code tx}; returns false when the booking is skipped (it was replaced). */
	public static boolean map(JsonNode booking, AppointmentTransaction tx) {
		String uid = text(booking, "uid");
		if (uid == null) {
			throw new SchedulingMappingException("HUB-5040 a booking has no uid");
		}
		if (text(booking, "rescheduledToUid") != null) {
			return false;
		}
		String from = text(booking, "rescheduledFromUid") != null ? text(booking, "rescheduledFromUid")
				: text(booking, "rescheduleUid");
		String key = from != null ? from : uid;

		Appointment a = new Appointment();
		JsonNode host = booking.path("hosts").path(0);
		if (host.isMissingNode()) {
			host = booking.path("organizer");
		}
		JsonNode attendees = booking.path("attendees");
		ZoneId zone = zone(text(host, "timeZone"), text(attendees.path(0), "timeZone"));

		String status = String.valueOf(text(booking, "status")).toLowerCase(Locale.ROOT);
		a.setStatus(switch (status) {
			case "accepted" -> allAbsent(attendees) ? Appointment.AppointmentStatus.NOSHOW : Appointment.AppointmentStatus.BOOKED;
			case "pending", "awaiting_host" -> Appointment.AppointmentStatus.PENDING;
			case "cancelled", "rejected" -> Appointment.AppointmentStatus.CANCELLED;
			default -> throw new SchedulingMappingException("HUB-5041 booking status not supported: " + status);
		});
		String reason = text(booking, "cancellationReason");
		if (a.getStatus() == Appointment.AppointmentStatus.CANCELLED && reason != null) {
			a.getCancelationReason().setText(reason);
		}
		String title = text(booking, "title");
		if (title != null) {
			a.setDescription(title);
		}
		String description = text(booking, "description");
		if (description != null) {
			a.setComment(description);
		}
		String slug = text(booking.path("eventType"), "slug");
		if (slug != null) {
			a.addServiceType().setText(slug);
		}
		InstantType start = instant(first(booking, "start", "startTime"), zone);
		InstantType end = instant(first(booking, "end", "endTime"), zone);
		if (start == null || end == null) {
			throw new SchedulingMappingException("HUB-5043 booking has no valid start and end");
		}
		if (end.getValue().before(start.getValue())) {
			throw new SchedulingMappingException("HUB-5043 booking ends before it starts");
		}
		a.setStartElement(start);
		a.setEndElement(end);
		a.setMinutesDuration((int) ((end.getValue().getTime() - start.getValue().getTime()) / 60_000));
		String created = text(booking, "createdAt");
		if (created != null) {
			a.setCreated(parse(created));
		}

		for (JsonNode attendee : attendees) {
			Reference patient = tx.patient(new AppointmentTransaction.Person(text(attendee, "email"), text(attendee, "name")));
			a.addParticipant().setActor(patient).setRequired(Appointment.ParticipantRequired.REQUIRED)
					.setStatus(attendee.path("absent").asBoolean(false) ? Appointment.ParticipationStatus.DECLINED
							: Appointment.ParticipationStatus.ACCEPTED);
		}
		if (!host.isMissingNode() && text(host, "email") != null) {
			Reference practitioner = tx.practitioner(new AppointmentTransaction.Person(text(host, "email"), text(host, "name")));
			a.addParticipant().setActor(practitioner).setRequired(Appointment.ParticipantRequired.REQUIRED)
					.setStatus(booking.path("absentHost").asBoolean(false) ? Appointment.ParticipationStatus.DECLINED
							: Appointment.ParticipationStatus.ACCEPTED);
		}
		String location = text(booking, "location");
		if (location != null) {
			a.addParticipant().setActor(tx.location(location)).setStatus(Appointment.ParticipationStatus.ACCEPTED);
		}
		if (a.getParticipant().isEmpty()) {
			throw new SchedulingMappingException("HUB-5044 booking has no attendee, host or location");
		}
		if (from != null) {
			// The successor's uid too, so a later reschedule of the successor finds this Appointment.
			a.addIdentifier().setSystem(tx.context().bookingSystem()).setValue(uid);
		}
		String updated = text(booking, "updatedAt");
		tx.appointment(a, key, uid + "/" + status + "/" + (updated == null ? "" : updated), updated == null ? null : parse(updated));
		return true;
	}

	private static boolean allAbsent(JsonNode attendees) {
		if (!attendees.isArray() || attendees.isEmpty()) {
			return false;
		}
		for (JsonNode a : attendees) {
			if (!a.path("absent").asBoolean(false)) {
				return false;
			}
		}
		return true;
	}

	private static ZoneId zone(String... candidates) {
		for (String c : candidates) {
			if (c != null) {
				try {
					return ZoneId.of(c);
				}
				catch (DateTimeException e) {
					// An unknown zone name only changes how the instant is shown: try the next.
				}
			}
		}
		return ZoneId.of("UTC");
	}

	private static InstantType instant(String value, ZoneId zone) {
		if (value == null) {
			return null;
		}
		Date date = parse(value);
		ZonedDateTime local = date.toInstant().atZone(zone);
		return new InstantType(date, TemporalPrecisionEnum.SECOND, TimeZone.getTimeZone(local.getOffset()));
	}

	private static Date parse(String value) {
		try {
			return Date.from(OffsetDateTime.parse(value).toInstant());
		}
		catch (DateTimeException e) {
			throw new SchedulingMappingException("HUB-5043 booking has an unreadable date-time");
		}
	}

	private static String first(JsonNode node, String a, String b) {
		String v = text(node, a);
		return v != null ? v : text(node, b);
	}

	static String text(JsonNode node, String field) {
		JsonNode v = node.path(field);
		return v.isTextual() && !v.asText().isBlank() ? v.asText() : null;
	}
}
