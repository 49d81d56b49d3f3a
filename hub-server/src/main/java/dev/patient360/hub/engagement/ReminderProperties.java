package dev.patient360.hub.engagement;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

import dev.patient360.profiles.Codes.ContactChannel;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Appointment reminders (docs/engagement.md, "Reminders").
 *
 * @param enabled         plan a reminder after each caller's write of an Appointment ({@code HUB_REMINDERS_ENABLED})
 * @param leadTime        how long before the appointment's start the reminder is due ({@code HUB_REMINDERS_LEAD_TIME})
 * @param channelFallback the channels tried, in order, when the patient has no usable preference for
 *                        {@code appointment-reminder} ({@code HUB_REMINDERS_CHANNEL_FALLBACK}; only {@code SMS}
 *                        and {@code EMAIL} can be delivered)
 * @param timeZone        the time zone of contact hours and of the date and time in the message ({@code HUB_REMINDERS_TIME_ZONE})
 * @param hoursStart      start of the allowed contact hours when the patient's preference names none
 *                        ({@code HUB_REMINDERS_HOURS_START})
 * @param hoursEnd        end of the allowed contact hours when the patient's preference names none
 *                        ({@code HUB_REMINDERS_HOURS_END})
 * @param language        the message language when the patient names none, and the fallback when no
 *                        template exists in the patient's language ({@code HUB_REMINDERS_LANGUAGE})
 * @param templatesDir    a directory whose templates override the shipped ones, file by file; empty = shipped only
 *                        ({@code HUB_ENGAGEMENT_TEMPLATES_DIR})
 */
@Validated
@ConfigurationProperties("hub.engagement.reminders")
public record ReminderProperties(
		@DefaultValue("true") boolean enabled,
		@NotNull @DefaultValue("24h") Duration leadTime,
		@NotEmpty @DefaultValue({"SMS", "EMAIL"}) List<ContactChannel> channelFallback,
		@NotNull @DefaultValue("Europe/Berlin") ZoneId timeZone,
		@NotNull @DefaultValue("08:00") LocalTime hoursStart,
		@NotNull @DefaultValue("20:00") LocalTime hoursEnd,
		@NotBlank @DefaultValue("de") String language,
		String templatesDir) {

	public ReminderProperties {
		if (leadTime != null && leadTime.isNegative()) {
			throw new IllegalArgumentException("hub.engagement.reminders.lead-time must not be negative");
		}
	}

	/** The override directory, or null for the shipped templates only. */
	Path templatesPath() {
		return templatesDir == null || templatesDir.isBlank() ? null : Path.of(templatesDir.strip());
	}
}
