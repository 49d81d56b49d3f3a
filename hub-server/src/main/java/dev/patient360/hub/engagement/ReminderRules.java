package dev.patient360.hub.engagement;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.patient360.hub.authorization.ConsentRules;
import dev.patient360.hub.authorization.ConsentRules.Decision;
import dev.patient360.profiles.Codes.ContactChannel;
import dev.patient360.profiles.Codes.ContactPurpose;
import dev.patient360.profiles.Codes.NotDoneReason;
import dev.patient360.profiles.PatientEngagement.ContactPreference;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.ContactPoint;

/**
 * Decides whether, when and on which channel a patient is reminded of an appointment. Pure: the
 * facts come in, an {@link Outcome} goes out (docs/engagement.md, "Reminders").
 *
 * <ol>
 * <li>A preference for {@code appointment-reminder} with {@code opted-out} → {@code opted-out}.</li>
 * <li>Due time: start − lead time, not before now (a reminder already due and not yet sent keeps
 * its time); a due time outside the allowed contact hours
 * (the preference's {@code hours-start}/{@code hours-end}, else the configured ones, in the configured
 * time zone) moves to the next start of the hours; at or after the appointment's start there is no
 * allowed time.</li>
 * <li>Channel: the preferred channel, then the configured fallback order; only e-mail and SMS can be
 * delivered. The first channel a contact Consent permits for the purpose at the due time and that
 * has an address (the preference's {@code telecom}, else a Patient.telecom {@code email}, or
 * {@code phone} with use {@code mobile} / {@code sms}) wins.</li>
 * <li>No channel: {@code no-address} when a permitted channel lacked an address, else
 * {@code no-contact-consent}; a channel but no allowed time: {@code no-allowed-time}.</li>
 * </ol>
 */
final class ReminderRules {

	static final ContactPurpose PURPOSE = ContactPurpose.APPOINTMENT_REMINDER;
	private static final Set<ContactChannel> DELIVERABLE = Set.of(ContactChannel.SMS, ContactChannel.EMAIL);

	sealed interface Outcome permits Plan, Skip {
	}

	/** Send on this channel at this time, in this language (null = the configured one). */
	record Plan(ContactChannel channel, Instant due, String language) implements Outcome {
	}

	record Skip(NotDoneReason reason) implements Outcome {
	}

	/** What is known about the appointment and its patient when deciding. */
	record Facts(Instant start, Instant now, List<ContactPreference> preferences, List<ContactPoint> telecom,
			Collection<Consent> consents, String patientLanguage, Instant pendingDue) {
	}

	/** The configuration the rules depend on. */
	record Settings(Duration leadTime, List<ContactChannel> channelFallback, ZoneId zone, LocalTime hoursStart,
			LocalTime hoursEnd) {
		static Settings of(ReminderProperties p) {
			return new Settings(p.leadTime(), p.channelFallback(), p.timeZone(), p.hoursStart(), p.hoursEnd());
		}
	}

	private ReminderRules() {
	}

	static Outcome decide(Facts facts, Settings settings) {
		ContactPreference preference = facts.preferences().stream()
				.filter(p -> p.purpose() == PURPOSE)
				.findFirst()
				.orElse(null);
		if (preference != null && preference.optedOut()) {
			return new Skip(NotDoneReason.OPTED_OUT);
		}
		LocalTime hoursStart = settings.hoursStart();
		LocalTime hoursEnd = settings.hoursEnd();
		if (preference != null && preference.hoursStart() != null && preference.hoursEnd() != null) {
			hoursStart = preference.hoursStart();
			hoursEnd = preference.hoursEnd();
		}
		Optional<Instant> due = dueTime(facts.start(), settings.leadTime(), facts.now(), settings.zone(), hoursStart,
				hoursEnd);
		if (stillDue(facts, settings)) {
			// Already due and not yet sent: the time it was planned for stands, so processing the
			// same Appointment again does not move it to "now" again.
			due = Optional.of(facts.pendingDue());
		}
		Instant at = due.orElse(facts.now());

		Set<ContactChannel> candidates = new LinkedHashSet<>();
		if (preference != null && preference.channel() != null) {
			candidates.add(preference.channel());
		}
		candidates.addAll(settings.channelFallback());
		boolean permittedWithoutAddress = false;
		for (ContactChannel channel : candidates) {
			if (!DELIVERABLE.contains(channel)) {
				continue;
			}
			Decision decision = ConsentRules.decideContact(facts.consents(), new ConsentRules.Contact(PURPOSE, channel, at));
			if (decision != Decision.PERMIT) {
				continue;
			}
			if (!hasAddress(channel, preference, facts.telecom())) {
				permittedWithoutAddress = true;
				continue;
			}
			if (due.isEmpty()) {
				return new Skip(NotDoneReason.NO_ALLOWED_TIME);
			}
			String language = preference != null && preference.language() != null ? preference.language()
					: facts.patientLanguage();
			return new Plan(channel, due.get(), language);
		}
		return new Skip(permittedWithoutAddress ? NotDoneReason.NO_ADDRESS : NotDoneReason.NO_CONTACT_CONSENT);
	}

	private static boolean stillDue(Facts facts, Settings settings) {
		Instant pending = facts.pendingDue();
		return pending != null && !pending.isAfter(facts.now()) && pending.isBefore(facts.start())
				&& !facts.start().minus(settings.leadTime()).isAfter(facts.now());
	}

	/**
	 * When to send: start − lead, not before now, moved forward into the allowed hours; empty when
	 * that is not before the start. {@code hoursStart > hoursEnd} is a window over midnight
	 * (e.g. 18:00–07:00); equal bounds allow any time.
	 */
	static Optional<Instant> dueTime(Instant start, Duration lead, Instant now, ZoneId zone, LocalTime hoursStart,
			LocalTime hoursEnd) {
		Instant due = start.minus(lead);
		if (due.isBefore(now)) {
			due = now;
		}
		Instant allowed = nextAllowed(due.atZone(zone), hoursStart, hoursEnd).toInstant();
		return allowed.isBefore(start) ? Optional.of(allowed) : Optional.empty();
	}

	private static ZonedDateTime nextAllowed(ZonedDateTime t, LocalTime hoursStart, LocalTime hoursEnd) {
		if (hoursStart.equals(hoursEnd) || allowed(t.toLocalTime(), hoursStart, hoursEnd)) {
			return t;
		}
		LocalDate day = t.toLocalDate();
		if (t.toLocalTime().isBefore(hoursStart)) {
			return ZonedDateTime.of(day, hoursStart, t.getZone());
		}
		return ZonedDateTime.of(day.plusDays(1), hoursStart, t.getZone());
	}

	private static boolean allowed(LocalTime time, LocalTime hoursStart, LocalTime hoursEnd) {
		if (hoursStart.isBefore(hoursEnd)) {
			return !time.isBefore(hoursStart) && time.isBefore(hoursEnd);
		}
		return !time.isBefore(hoursStart) || time.isBefore(hoursEnd);
	}

	static boolean hasAddress(ContactChannel channel, ContactPreference preference, List<ContactPoint> telecom) {
		List<ContactPoint> points = new ArrayList<>();
		if (preference != null && preference.channel() == channel && preference.telecom() != null) {
			points.add(preference.telecom());
		}
		points.addAll(telecom);
		return points.stream().anyMatch(p -> p.hasValue() && fits(channel, p));
	}

	private static boolean fits(ContactChannel channel, ContactPoint point) {
		if (channel == ContactChannel.EMAIL) {
			return point.getSystem() == ContactPoint.ContactPointSystem.EMAIL;
		}
		return point.getSystem() == ContactPoint.ContactPointSystem.SMS
				|| point.getSystem() == ContactPoint.ContactPointSystem.PHONE
						&& point.getUse() == ContactPoint.ContactPointUse.MOBILE;
	}
}
