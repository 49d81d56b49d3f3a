package dev.patient360.hub.engagement;

import static dev.patient360.profiles.Codes.ContactChannel.EMAIL;
import static dev.patient360.profiles.Codes.ContactChannel.LETTER;
import static dev.patient360.profiles.Codes.ContactChannel.SMS;
import static dev.patient360.profiles.Codes.ContactPurpose.APPOINTMENT_REMINDER;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;

import dev.patient360.hub.engagement.ReminderRules.Facts;
import dev.patient360.hub.engagement.ReminderRules.Outcome;
import dev.patient360.hub.engagement.ReminderRules.Plan;
import dev.patient360.hub.engagement.ReminderRules.Settings;
import dev.patient360.hub.engagement.ReminderRules.Skip;
import dev.patient360.hub.testsupport.ContactConsents;
import dev.patient360.profiles.Codes.ContactChannel;
import dev.patient360.profiles.Codes.NotDoneReason;
import dev.patient360.profiles.PatientEngagement.ContactPreference;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentProvisionType;
import org.hl7.fhir.r4.model.ContactPoint;
import org.junit.jupiter.api.Test;

class ReminderRulesTest {

	static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
	static final Settings SETTINGS = new Settings(Duration.ofHours(24), List.of(SMS, EMAIL), BERLIN,
			LocalTime.of(8, 0), LocalTime.of(20, 0));
	static final ContactPoint MOBILE = new ContactPoint().setSystem(ContactPoint.ContactPointSystem.PHONE)
			.setUse(ContactPoint.ContactPointUse.MOBILE).setValue("+49 151 0000000");
	static final ContactPoint EMAIL_ADDRESS = new ContactPoint().setSystem(ContactPoint.ContactPointSystem.EMAIL)
			.setValue("anna@example.org");
	static final ContactPoint LANDLINE = new ContactPoint().setSystem(ContactPoint.ContactPointSystem.PHONE)
			.setUse(ContactPoint.ContactPointUse.HOME).setValue("+49 30 0000000");

	@Test
	void aReminderIsDueTheLeadTimeBeforeTheStartOnThePreferredChannel() {
		Outcome o = decide(berlin("2030-03-12T10:00"), berlin("2030-03-10T09:00"), List.of(pref(EMAIL)),
				List.of(MOBILE, EMAIL_ADDRESS), List.of(permit()));

		assertThat(o).isEqualTo(new Plan(EMAIL, berlin("2030-03-11T10:00"), null));
	}

	@Test
	void aDueTimeBeforeTheContactHoursMovesToTheirStartThatDay() {
		assertThat(due(berlin("2030-03-12T07:30"), berlin("2030-03-10T09:00"), LocalTime.of(8, 0), LocalTime.of(20, 0)))
				.contains(berlin("2030-03-11T08:00"));
	}

	@Test
	void aDueTimeAfterTheContactHoursMovesToTheirStartNextDay() {
		assertThat(due(berlin("2030-03-12T21:30"), berlin("2030-03-10T09:00"), LocalTime.of(8, 0), LocalTime.of(20, 0)))
				.contains(berlin("2030-03-12T08:00"));
	}

	@Test
	void anEndOfTheHoursIsExclusive() {
		assertThat(due(berlin("2030-03-12T20:00"), berlin("2030-03-10T09:00"), LocalTime.of(8, 0), LocalTime.of(20, 0)))
				.contains(berlin("2030-03-12T08:00"));
	}

	@Test
	void hoursOverMidnightAllowTheEveningAndTheEarlyMorning() {
		LocalTime from = LocalTime.of(18, 0);
		LocalTime to = LocalTime.of(7, 0);
		assertThat(due(berlin("2030-03-12T06:00"), berlin("2030-03-10T09:00"), from, to)).contains(berlin("2030-03-11T06:00"));
		assertThat(due(berlin("2030-03-12T12:00"), berlin("2030-03-10T09:00"), from, to)).contains(berlin("2030-03-11T18:00"));
	}

	@Test
	void aBookingWithinTheLeadTimeIsRemindedNowOrAtTheNextAllowedTime() {
		assertThat(due(berlin("2030-03-11T16:00"), berlin("2030-03-11T09:00"), LocalTime.of(8, 0), LocalTime.of(20, 0)))
				.contains(berlin("2030-03-11T09:00"));
		assertThat(due(berlin("2030-03-12T10:00"), berlin("2030-03-11T21:00"), LocalTime.of(8, 0), LocalTime.of(20, 0)))
				.contains(berlin("2030-03-12T08:00"));
	}

	@Test
	void noAllowedTimeBeforeTheStartSkipsTheReminder() {
		assertThat(due(berlin("2030-03-10T22:00"), berlin("2030-03-10T20:30"), LocalTime.of(8, 0), LocalTime.of(20, 0)))
				.isEmpty();
		assertThat(decide(berlin("2030-03-10T22:00"), berlin("2030-03-10T20:30"), List.of(), List.of(MOBILE),
				List.of(permit()))).isEqualTo(new Skip(NotDoneReason.NO_ALLOWED_TIME));
	}

	@Test
	void theHoursCrossTheDaylightSavingChangeInLocalTime() {
		// 2030-03-31 is the spring change in Berlin: 08:00 local is 06:00Z, the day before 07:00Z.
		assertThat(due(berlin("2030-04-01T07:00"), berlin("2030-03-29T09:00"), LocalTime.of(8, 0), LocalTime.of(20, 0)))
				.contains(Instant.parse("2030-03-31T06:00:00Z"));
	}

	@Test
	void thePatientsOwnHoursReplaceTheConfiguredOnes() {
		ContactPreference eveningsOnly = new ContactPreference(APPOINTMENT_REMINDER, SMS, null, LocalTime.of(18, 0),
				LocalTime.of(21, 0), "en", false);
		Outcome o = decide(berlin("2030-03-12T10:00"), berlin("2030-03-10T09:00"), List.of(eveningsOnly), List.of(MOBILE),
				List.of(permit()));

		assertThat(o).isEqualTo(new Plan(SMS, berlin("2030-03-11T18:00"), "en"));
	}

	@Test
	void anOptedOutPatientIsNotReminded() {
		ContactPreference optedOut = new ContactPreference(APPOINTMENT_REMINDER, SMS, null, null, null, null, true);
		assertThat(decide(berlin("2030-03-12T10:00"), berlin("2030-03-10T09:00"), List.of(optedOut), List.of(MOBILE),
				List.of(permit()))).isEqualTo(new Skip(NotDoneReason.OPTED_OUT));
	}

	@Test
	void withoutAContactConsentThereIsNoReminder() {
		assertThat(decide(berlin("2030-03-12T10:00"), berlin("2030-03-10T09:00"), List.of(pref(SMS)), List.of(MOBILE),
				List.of())).isEqualTo(new Skip(NotDoneReason.NO_CONTACT_CONSENT));
		Consent marketingOnly = ContactConsents.permit("Patient/1", dev.patient360.profiles.Codes.ContactPurpose.MARKETING);
		assertThat(decide(berlin("2030-03-12T10:00"), berlin("2030-03-10T09:00"), List.of(pref(SMS)), List.of(MOBILE),
				List.of(marketingOnly))).isEqualTo(new Skip(NotDoneReason.NO_CONTACT_CONSENT));
	}

	@Test
	void aConsentedChannelIsUsedWhenThePreferredOneIsNotConsented() {
		Consent emailOnly = ContactConsents.permit("Patient/1", APPOINTMENT_REMINDER, EMAIL);
		assertThat(decide(berlin("2030-03-12T10:00"), berlin("2030-03-10T09:00"), List.of(pref(SMS)),
				List.of(MOBILE, EMAIL_ADDRESS), List.of(emailOnly)))
				.isEqualTo(new Plan(EMAIL, berlin("2030-03-11T10:00"), null));
	}

	@Test
	void withoutPreferenceTheFallbackOrderPicksTheFirstChannelWithAnAddress() {
		assertThat(decide(berlin("2030-03-12T10:00"), berlin("2030-03-10T09:00"), List.of(), List.of(EMAIL_ADDRESS, LANDLINE),
				List.of(permit()))).isEqualTo(new Plan(EMAIL, berlin("2030-03-11T10:00"), null));
		assertThat(decide(berlin("2030-03-12T10:00"), berlin("2030-03-10T09:00"), List.of(pref(LETTER)),
				List.of(MOBILE), List.of(permit()))).isEqualTo(new Plan(SMS, berlin("2030-03-11T10:00"), null));
	}

	@Test
	void aConsentedPatientWithoutMobileOrEmailHasNoAddress() {
		assertThat(decide(berlin("2030-03-12T10:00"), berlin("2030-03-10T09:00"), List.of(pref(SMS)), List.of(LANDLINE),
				List.of(permit()))).isEqualTo(new Skip(NotDoneReason.NO_ADDRESS));
	}

	@Test
	void theTelecomOfThePreferenceIsAnAddress() {
		ContactPreference withTelecom = new ContactPreference(APPOINTMENT_REMINDER, EMAIL, EMAIL_ADDRESS, null, null,
				null, false);
		assertThat(decide(berlin("2030-03-12T10:00"), berlin("2030-03-10T09:00"), List.of(withTelecom), List.of(),
				List.of(permit()))).isEqualTo(new Plan(EMAIL, berlin("2030-03-11T10:00"), null));
	}

	@Test
	void aConsentThatEndsBeforeTheDueTimeDoesNotCount() {
		Consent ending = ContactConsents.during(permit(), java.util.Date.from(berlin("2030-01-01T00:00")),
				java.util.Date.from(berlin("2030-03-11T00:00")));
		assertThat(decide(berlin("2030-03-12T10:00"), berlin("2030-03-10T09:00"), List.of(pref(SMS)), List.of(MOBILE),
				List.of(ending))).isEqualTo(new Skip(NotDoneReason.NO_CONTACT_CONSENT));
	}

	@Test
	void aReminderAlreadyDueKeepsItsTimeWhenPlannedAgain() {
		Instant pending = berlin("2030-03-11T09:00");
		Facts again = new Facts(berlin("2030-03-11T16:00"), berlin("2030-03-11T09:05"), List.of(pref(SMS)),
				List.of(MOBILE), List.of(permit()), null, pending);
		assertThat(ReminderRules.decide(again, SETTINGS)).isEqualTo(new Plan(SMS, pending, null));
	}

	private static Consent permit() {
		return ContactConsents.permit("Patient/1", APPOINTMENT_REMINDER);
	}

	private static ContactPreference pref(ContactChannel channel) {
		return new ContactPreference(APPOINTMENT_REMINDER, channel, null, null, null, null, false);
	}

	private static Outcome decide(Instant start, Instant now, List<ContactPreference> prefs, List<ContactPoint> telecom,
			List<Consent> consents) {
		return ReminderRules.decide(new Facts(start, now, prefs, telecom, consents, null, null), SETTINGS);
	}

	private static Optional<Instant> due(Instant start, Instant now, LocalTime from, LocalTime to) {
		return ReminderRules.dueTime(start, Duration.ofHours(24), now, BERLIN, from, to);
	}

	private static Instant berlin(String localDateTime) {
		return ZonedDateTime.of(java.time.LocalDateTime.parse(localDateTime), BERLIN).toInstant();
	}
}
