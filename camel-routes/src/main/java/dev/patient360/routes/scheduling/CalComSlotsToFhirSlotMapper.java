package dev.patient360.routes.scheduling;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import com.fasterxml.jackson.databind.JsonNode;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;

/**
 * The availability of one Cal.com event type (API v2 answers: {@code GET /v2/event-types/{id}},
 * {@code GET /v2/me} for the owner, {@code GET /v2/slots} for the free times) → one Schedule and its
 * Slots in a transaction (pure: no I/O, no clock).
 *
 * <ul>
 * <li>Schedule: upserted by the event type id ({@code <prefix>schedule}); actors the owner as
 * Practitioner (matched or created by e-mail, the same identifier bookings use for their host) and
 * the event type's place as Location (an {@code address}, or a {@code link} as bookings map it);
 * {@code serviceType.text} = slug, {@code comment} = title.</li>
 * <li>Slot per offered time: status {@code free}, upserted by {@code <event type id>/<start in UTC>}
 * ({@code <prefix>slot}); start and end shown with the offset the API answered in (its
 * {@code timeZone}); without an {@code end} (the API's default {@code time} format) the end is start +
 * {@code lengthInMinutes}.</li>
 * <li>A time the hub holds as free that the source no longer offers (booked, or blocked by the
 * host: the API does not say which) becomes {@code busy}, with a comment saying so; it is not
 * deleted, so Appointments or readers that saw it still find it. Offered again, it is free again.</li>
 * </ul>
 */
public final class CalComSlotsToFhirSlotMapper {

	/** A slot's time, in instants. */
	public record SlotTime(Instant start, Instant end) {
	}

	/**
	 * @param transaction the Schedule, its actors, its Slots and a Provenance
	 * @param offered the times the source offers (now free in the hub)
	 * @param busy the times that became busy
	 */
	public record Result(Bundle transaction, List<SlotTime> offered, List<SlotTime> busy) {
	}

	static final String NO_LONGER_OFFERED = "No longer offered by the source (booked or blocked)";

	private CalComSlotsToFhirSlotMapper() {
	}

	/**
	 * @param eventType {@code data} of {@code GET /v2/event-types/{id}}
	 * @param owner {@code data} of {@code GET /v2/me} (the API key's user, who owns the event type); may be missing
	 * @param slotsByDay {@code data} of {@code GET /v2/slots}: per date, the offered slots
	 * @param heldFree times of this event type the hub holds as free, from earlier runs, within the asked window
	 * @param zone the zone the API was asked for, used to show times that became busy
	 */
	public static Result map(JsonNode eventType, JsonNode owner, JsonNode slotsByDay, List<SlotTime> heldFree, ZoneId zone,
			SchedulingContext ctx) {
		String eventTypeId = eventType.path("id").asText("");
		if (eventTypeId.isBlank()) {
			throw new SchedulingMappingException("HUB-5048 event type has no id");
		}
		if (!slotsByDay.isObject()) {
			throw new SchedulingMappingException("HUB-5048 slots answer has no data object");
		}
		int length = eventType.path("lengthInMinutes").asInt(0);
		String slug = CalComBookingToFhirAppointmentMapper.text(eventType, "slug");
		AppointmentTransaction tx = new AppointmentTransaction(ctx, "Cal.com availability");

		Schedule schedule = new Schedule();
		schedule.setActive(true);
		String ownerEmail = CalComBookingToFhirAppointmentMapper.text(owner, "email");
		if (ownerEmail != null) {
			schedule.addActor(tx.practitioner(new AppointmentTransaction.Person(ownerEmail,
					CalComBookingToFhirAppointmentMapper.text(owner, "name"))));
		}
		String place = place(eventType);
		if (place != null) {
			schedule.addActor(tx.location(place));
		}
		if (schedule.getActor().isEmpty()) {
			throw new SchedulingMappingException("HUB-5049 event type " + eventTypeId + " has neither an owner e-mail nor a place");
		}
		if (slug != null) {
			schedule.addServiceType().setText(slug);
		}
		String title = CalComBookingToFhirAppointmentMapper.text(eventType, "title");
		if (title != null) {
			schedule.setComment(title);
		}
		Reference scheduleRef = tx.upsert(schedule, ctx.scheduleSystem(), eventTypeId,
				eventTypeId + "/" + slug + "/" + title + "/" + length + "/" + ownerEmail + "/" + place, null);

		Map<Instant, SlotTime> offered = new LinkedHashMap<>();
		var days = slotsByDay.fields();
		while (days.hasNext()) {
			for (JsonNode s : days.next().getValue()) {
				OffsetDateTime start = parse(CalComBookingToFhirAppointmentMapper.text(s, "start"));
				String endText = CalComBookingToFhirAppointmentMapper.text(s, "end");
				OffsetDateTime end = endText != null ? parse(endText) : start.plusMinutes(length);
				if (!end.isAfter(start)) {
					throw new SchedulingMappingException("HUB-5048 a slot ends before it starts (or the event type has no length)");
				}
				Slot slot = slot(scheduleRef, slug, Slot.SlotStatus.FREE, start, end);
				tx.upsert(slot, ctx.slotSystem(), key(eventTypeId, start.toInstant()), "free", null);
				offered.put(start.toInstant(), new SlotTime(start.toInstant(), end.toInstant()));
			}
		}
		List<SlotTime> busy = new ArrayList<>();
		for (SlotTime held : heldFree) {
			if (offered.containsKey(held.start())) {
				continue;
			}
			Slot slot = slot(scheduleRef, slug, Slot.SlotStatus.BUSY, held.start().atZone(zone).toOffsetDateTime(),
					held.end().atZone(zone).toOffsetDateTime());
			slot.setComment(NO_LONGER_OFFERED);
			tx.upsert(slot, ctx.slotSystem(), key(eventTypeId, held.start()), "busy", null);
			busy.add(held);
		}
		return new Result(tx.build(), List.copyOf(offered.values()), busy);
	}

	/** The Slot's source key: event type and start instant (UTC), stable whatever zone the API answered in. */
	public static String key(String eventTypeId, Instant start) {
		return eventTypeId + "/" + start;
	}

	private static Slot slot(Reference schedule, String slug, Slot.SlotStatus status, OffsetDateTime start, OffsetDateTime end) {
		Slot slot = new Slot();
		slot.setSchedule(new Reference(schedule.getReference()));
		slot.setStatus(status);
		if (slug != null) {
			slot.addServiceType().setText(slug);
		}
		slot.setStartElement(instant(start));
		slot.setEndElement(instant(end));
		return slot;
	}

	/** The first place of the event type a patient can be sent to: an address, else a meeting link. */
	private static String place(JsonNode eventType) {
		for (String type : List.of("address", "link")) {
			for (JsonNode l : eventType.path("locations")) {
				String value = CalComBookingToFhirAppointmentMapper.text(l, type);
				if (type.equals(CalComBookingToFhirAppointmentMapper.text(l, "type")) && value != null) {
					return value;
				}
			}
		}
		return null;
	}

	private static InstantType instant(OffsetDateTime t) {
		return new InstantType(Date.from(t.toInstant()), TemporalPrecisionEnum.SECOND, TimeZone.getTimeZone(t.getOffset()));
	}

	private static OffsetDateTime parse(String value) {
		if (value == null) {
			throw new SchedulingMappingException("HUB-5048 a slot has no start");
		}
		try {
			return OffsetDateTime.parse(value);
		}
		catch (DateTimeException e) {
			throw new SchedulingMappingException("HUB-5048 a slot has an unreadable date-time");
		}
	}
}
