package dev.patient360.routes.scheduling;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.Temporal;
import java.util.Date;
import java.util.Locale;
import java.util.Optional;
import java.util.TimeZone;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import net.fortuna.ical4j.model.Parameter;
import net.fortuna.ical4j.model.Property;
import net.fortuna.ical4j.model.component.VEvent;
import net.fortuna.ical4j.model.property.DateProperty;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.InstantType;

/**
 * One VEVENT of an iCalendar feed → an Appointment with its participants, added to an
 * {@link AppointmentTransaction}. Pure: no I/O, no clock.
 *
 * <ul>
 * <li>key: {@code UID}; version: {@code SEQUENCE} (0 when absent). Which SEQUENCE wins is decided by
 * the caller ({@link #sequence}); this mapper maps what it is given.</li>
 * <li>status: {@code CANCELLED} → cancelled, {@code TENTATIVE} → pending, otherwise booked.</li>
 * <li>start/end: {@code DTSTART}/{@code DTEND} (or {@code DURATION}) with their {@code TZID}, as
 * instants with that zone's offset; UTC times stay UTC; floating times and dates use
 * {@code floatingZone}.</li>
 * <li>participants: {@code ATTENDEE} (mailto:, CN) → Patient by e-mail, {@code ORGANIZER} →
 * Practitioner by e-mail, {@code LOCATION} → Location.</li>
 * </ul>
 */
public final class IcalEventToFhirAppointmentMapper {

	private IcalEventToFhirAppointmentMapper() {
	}

	public static String uid(VEvent event) {
		return value(event, Property.UID).orElseThrow(() -> new SchedulingMappingException("HUB-5050 a VEVENT has no UID"));
	}

	public static int sequence(VEvent event) {
		try {
			return value(event, Property.SEQUENCE).map(String::trim).map(Integer::parseInt).orElse(0);
		}
		catch (NumberFormatException e) {
			throw new SchedulingMappingException("HUB-5051 a VEVENT has a SEQUENCE that is not a number");
		}
	}

	public static void map(VEvent event, ZoneId floatingZone, AppointmentTransaction tx) {
		String uid = uid(event);
		int sequence = sequence(event);
		Appointment a = new Appointment();
		String status = value(event, Property.STATUS).orElse("CONFIRMED").toUpperCase(Locale.ROOT);
		a.setStatus(switch (status) {
			case "CANCELLED" -> Appointment.AppointmentStatus.CANCELLED;
			case "TENTATIVE" -> Appointment.AppointmentStatus.PENDING;
			default -> Appointment.AppointmentStatus.BOOKED;
		});
		value(event, Property.SUMMARY).ifPresent(a::setDescription);
		value(event, Property.DESCRIPTION).ifPresent(a::setComment);

		ZonedDateTime start = dateTime(event.getProperty(Property.DTSTART), floatingZone)
				.orElseThrow(() -> new SchedulingMappingException("HUB-5052 a VEVENT has no readable DTSTART"));
		Optional<ZonedDateTime> end = dateTime(event.getProperty(Property.DTEND), floatingZone);
		if (end.isEmpty()) {
			Optional<String> duration = value(event, Property.DURATION);
			if (duration.isPresent()) {
				try {
					end = Optional.of(start.plus(Duration.parse(duration.get().trim())));
				}
				catch (DateTimeParseException e) {
					throw new SchedulingMappingException("HUB-5052 a VEVENT has an unreadable DURATION");
				}
			}
		}
		if (end.isPresent() && end.get().isBefore(start)) {
			throw new SchedulingMappingException("HUB-5052 a VEVENT ends before it starts");
		}
		a.setStartElement(instant(start));
		end.ifPresent(e -> {
			a.setEndElement(instant(e));
			a.setMinutesDuration((int) Duration.between(start, e).toMinutes());
		});

		for (Property attendee : event.getProperties(Property.ATTENDEE)) {
			a.addParticipant().setActor(tx.patient(person(attendee))).setRequired(Appointment.ParticipantRequired.REQUIRED)
					.setStatus(participation(attendee));
		}
		Optional<Property> organizer = event.getProperty(Property.ORGANIZER);
		organizer.ifPresent(o -> a.addParticipant().setActor(tx.practitioner(person(o)))
				.setRequired(Appointment.ParticipantRequired.REQUIRED).setStatus(Appointment.ParticipationStatus.ACCEPTED));
		value(event, Property.LOCATION).ifPresent(l -> a.addParticipant().setActor(tx.location(l))
				.setStatus(Appointment.ParticipationStatus.ACCEPTED));
		if (a.getParticipant().isEmpty()) {
			throw new SchedulingMappingException("HUB-5053 a VEVENT has no attendee, organizer or location");
		}
		Date updated = dateTime(event.getProperty(Property.LAST_MODIFIED), ZoneOffset.UTC)
				.or(() -> dateTime(event.getProperty(Property.DTSTAMP), ZoneOffset.UTC))
				.map(z -> Date.from(z.toInstant())).orElse(null);
		tx.appointment(a, uid, String.valueOf(sequence), updated);
	}

	private static AppointmentTransaction.Person person(Property p) {
		String cn = p.<Parameter>getParameter(Parameter.CN).map(Parameter::getValue).orElse(null);
		return new AppointmentTransaction.Person(p.getValue(), cn);
	}

	private static Appointment.ParticipationStatus participation(Property attendee) {
		String partstat = attendee.<Parameter>getParameter(Parameter.PARTSTAT).map(Parameter::getValue).orElse("NEEDS-ACTION");
		return switch (partstat.toUpperCase(Locale.ROOT)) {
			case "ACCEPTED" -> Appointment.ParticipationStatus.ACCEPTED;
			case "DECLINED" -> Appointment.ParticipationStatus.DECLINED;
			case "TENTATIVE" -> Appointment.ParticipationStatus.TENTATIVE;
			default -> Appointment.ParticipationStatus.NEEDSACTION;
		};
	}

	private static Optional<String> value(VEvent event, String name) {
		return event.<Property>getProperty(name).map(Property::getValue).filter(v -> !v.isBlank());
	}

	private static Optional<ZonedDateTime> dateTime(Optional<Property> property, ZoneId floatingZone) {
		if (property.isEmpty() || !(property.get() instanceof DateProperty<?> dp)) {
			return Optional.empty();
		}
		Temporal t;
		try {
			t = dp.getDate();
		}
		catch (RuntimeException e) {
			throw new SchedulingMappingException("HUB-5052 a VEVENT has an unreadable " + property.get().getName());
		}
		if (t instanceof ZonedDateTime z) {
			return Optional.of(z);
		}
		if (t instanceof OffsetDateTime o) {
			return Optional.of(o.toZonedDateTime());
		}
		if (t instanceof Instant i) {
			return Optional.of(i.atZone(ZoneOffset.UTC));
		}
		if (t instanceof LocalDateTime l) {
			return Optional.of(l.atZone(floatingZone));
		}
		if (t instanceof LocalDate d) {
			return Optional.of(d.atStartOfDay(floatingZone));
		}
		return Optional.empty();
	}

	private static InstantType instant(ZonedDateTime z) {
		return new InstantType(Date.from(z.toInstant()), TemporalPrecisionEnum.SECOND, TimeZone.getTimeZone(z.getOffset()));
	}
}
