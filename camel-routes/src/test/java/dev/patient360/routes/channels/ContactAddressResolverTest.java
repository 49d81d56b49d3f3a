package dev.patient360.routes.channels;

import java.time.LocalTime;
import java.util.List;
import java.util.Optional;

import dev.patient360.profiles.Codes.ContactChannel;
import dev.patient360.profiles.Codes.ContactPurpose;
import dev.patient360.profiles.PatientEngagement;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.ContactPoint.ContactPointSystem;
import org.hl7.fhir.r4.model.ContactPoint.ContactPointUse;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ContactAddressResolverTest {

	@Test
	void thePreferenceForThePurposeAndChannelWinsOverPatientTelecom() {
		Patient p = patient(telecom(ContactPointSystem.EMAIL, null, "home@example.org"));
		PatientEngagement.setContactPreferences(p, List.of(
				preference(ContactPurpose.BILLING, ContactChannel.EMAIL, telecom(ContactPointSystem.EMAIL, null, "billing@example.org")),
				preference(ContactPurpose.APPOINTMENT_REMINDER, ContactChannel.EMAIL, telecom(ContactPointSystem.EMAIL, null, "reminders@example.org"))));

		assertThat(ContactAddressResolver.resolve(p, ContactPurpose.APPOINTMENT_REMINDER, ContactChannel.EMAIL)).hasValue("reminders@example.org");
		assertThat(ContactAddressResolver.resolve(p, ContactPurpose.SURVEY, ContactChannel.EMAIL)).hasValue("home@example.org");
	}

	@Test
	void smsGoesOnlyToAMobilePhoneUnlessThePatientNamedTheNumberForTexts() {
		Patient p = patient(telecom(ContactPointSystem.PHONE, ContactPointUse.HOME, "+49301234"),
				telecom(ContactPointSystem.PHONE, ContactPointUse.MOBILE, " +491701234 "));
		assertThat(ContactAddressResolver.resolve(p, ContactPurpose.APPOINTMENT_REMINDER, ContactChannel.SMS)).hasValue("+491701234");

		Patient landlineOnly = patient(telecom(ContactPointSystem.PHONE, ContactPointUse.HOME, "+49301234"));
		assertThat(ContactAddressResolver.resolve(landlineOnly, ContactPurpose.APPOINTMENT_REMINDER, ContactChannel.SMS)).isEmpty();

		PatientEngagement.setContactPreferences(landlineOnly, List.of(preference(ContactPurpose.APPOINTMENT_REMINDER,
				ContactChannel.SMS, telecom(ContactPointSystem.PHONE, null, "+49309999"))));
		assertThat(ContactAddressResolver.resolve(landlineOnly, ContactPurpose.APPOINTMENT_REMINDER, ContactChannel.SMS)).hasValue("+49309999");
	}

	@Test
	void oldEndedAndBlankTelecomsAreSkippedAndOtherChannelsHaveNoAddress() {
		ContactPoint ended = telecom(ContactPointSystem.EMAIL, null, "ended@example.org");
		ended.setPeriod(new Period().setEnd(new java.util.Date(0)));
		Patient p = patient(telecom(ContactPointSystem.EMAIL, ContactPointUse.OLD, "old@example.org"), ended,
				telecom(ContactPointSystem.EMAIL, null, " "), telecom(ContactPointSystem.EMAIL, ContactPointUse.WORK, "work@example.org"));

		assertThat(ContactAddressResolver.resolve(p, ContactPurpose.APPOINTMENT_REMINDER, ContactChannel.EMAIL)).hasValue("work@example.org");
		assertThat(ContactAddressResolver.resolve(p, ContactPurpose.APPOINTMENT_REMINDER, ContactChannel.LETTER)).isEqualTo(Optional.empty());
		assertThat(ContactAddressResolver.resolve(new Patient(), ContactPurpose.APPOINTMENT_REMINDER, ContactChannel.EMAIL)).isEmpty();
	}

	private static Patient patient(ContactPoint... telecoms) {
		Patient p = new Patient();
		for (ContactPoint t : telecoms) {
			p.addTelecom(t);
		}
		return p;
	}

	private static ContactPoint telecom(ContactPointSystem system, ContactPointUse use, String value) {
		ContactPoint c = new ContactPoint().setSystem(system).setValue(value);
		if (use != null) {
			c.setUse(use);
		}
		return c;
	}

	private static PatientEngagement.ContactPreference preference(ContactPurpose purpose, ContactChannel channel, ContactPoint telecom) {
		return new PatientEngagement.ContactPreference(purpose, channel, telecom, LocalTime.of(8, 0), LocalTime.of(20, 0), "de", false);
	}
}
