package dev.patient360.routes.hl7v2.mapping;

import ca.uhn.hl7v2.model.Segment;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

import static dev.patient360.routes.hl7v2.mapping.Segments.get;

/**
 * SCH (+ TQ1, AIS, AIP, AIL) to Appointment, after the IG's SIU maps; status from the trigger event.
 * AIP-3 and AIL-3 become participants referring to Practitioner and Location resources.
 */
public final class Hl7v2ToFhirAppointmentMapper {

	private Hl7v2ToFhirAppointmentMapper() {
	}

	static Appointment map(Segment sch, Segment tq1, Segment ais, Iterable<Segment> aips, Iterable<Segment> ails,
			String trigger, String sourceSystem, Hl7v2References refs) {
		String placer = get(sch, 1);
		String filler = get(sch, 2);
		if (placer.isEmpty() && filler.isEmpty()) {
			throw new Hl7v2MappingException("HUB-4013", "SCH-1 and SCH-2 hold no appointment id");
		}
		Appointment a = new Appointment();
		a.addIdentifier(new Identifier().setSystem(Hl7v2Types.LOCAL_SYSTEM_PREFIX + "appointment:" + sourceSystem)
				.setValue(filler.isEmpty() ? placer : filler));
		a.setStatus(switch (trigger) {
			case "S15" -> Appointment.AppointmentStatus.CANCELLED;
			// S17 "delete": the booking should never have been in the record. A FHIR DELETE would be
			// refused (409) while the booking's Provenance refers to it, so it is marked instead.
			case "S17" -> Appointment.AppointmentStatus.ENTEREDINERROR;
			case "S26" -> Appointment.AppointmentStatus.NOSHOW;
			default -> Appointment.AppointmentStatus.BOOKED;
		});
		String reason = get(sch, 7, 2).isEmpty() ? get(sch, 7) : get(sch, 7, 2);
		if (!reason.isEmpty()) {
			a.setDescription(reason);
		}
		if ("S15".equals(trigger) && !get(sch, 6).isEmpty()) {
			a.getCancelationReason().setText(get(sch, 6, 2).isEmpty() ? get(sch, 6) : get(sch, 6, 2));
		}
		DateTimeType start = first(Hl7v2Types.dateTime(get(tq1, 7)), Hl7v2Types.dateTime(get(sch, 11, 4)),
				Hl7v2Types.dateTime(get(ais, 4)));
		DateTimeType end = first(Hl7v2Types.dateTime(get(tq1, 8)), Hl7v2Types.dateTime(get(sch, 11, 5)), null);
		if (start != null) {
			a.setStartElement(new org.hl7.fhir.r4.model.InstantType(start.getValue(), start.getPrecision(), start.getTimeZone()));
		}
		if (end != null && start != null && !end.getValue().before(start.getValue())) {
			a.setEndElement(new org.hl7.fhir.r4.model.InstantType(end.getValue(), end.getPrecision(), end.getTimeZone()));
		}
		String minutes = get(sch, 9);
		if (minutes.matches("\\d+") && "min".equalsIgnoreCase(get(sch, 10).isEmpty() ? "min" : get(sch, 10))) {
			a.setMinutesDuration(Integer.parseInt(minutes));
		}
		String service = get(ais, 3, 2).isEmpty() ? get(ais, 3) : get(ais, 3, 2);
		if (!service.isEmpty()) {
			a.addServiceType().setText(service);
		}
		for (Segment aip : aips) {
			Reference who = refs.practitioner(aip, 3);
			if (who != null) {
				a.addParticipant().setActor(who).setStatus(Appointment.ParticipationStatus.ACCEPTED);
			}
		}
		for (Segment ail : ails) {
			Reference where = refs.location(ail, 3);
			if (where != null) {
				a.addParticipant().setActor(where).setStatus(Appointment.ParticipationStatus.ACCEPTED);
			}
		}
		return a;
	}

	private static DateTimeType first(DateTimeType a, DateTimeType b, DateTimeType c) {
		return a != null && a.getPrecision().compareTo(ca.uhn.fhir.model.api.TemporalPrecisionEnum.MINUTE) >= 0 ? a
				: b != null && b.getPrecision().compareTo(ca.uhn.fhir.model.api.TemporalPrecisionEnum.MINUTE) >= 0 ? b : c;
	}
}
