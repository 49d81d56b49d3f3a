package dev.patient360.routes.simulator;

import java.time.Instant;
import java.time.LocalTime;
import java.util.Date;
import java.util.List;

import dev.patient360.profiles.Codes.ContactChannel;
import dev.patient360.profiles.Codes.ContactPurpose;
import dev.patient360.profiles.ConsentCodes;
import dev.patient360.profiles.PatientEngagement;
import dev.patient360.profiles.PatientEngagement.ContactPreference;
import dev.patient360.routes.testsupport.Golden;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DemoEngagementTest {

	private static final List<SyntheaPeople.Person> PEOPLE = List.of(
			new SyntheaPeople.Person("s-1", "Anna", "Koepp", "1980-01-01", "anna.koepp@example.org"),
			new SyntheaPeople.Person("s-2", "Ben", "Ortiz", "1975-05-05", "ben.ortiz@example.org"),
			new SyntheaPeople.Person("s-3", "Cleo", "Mraz", "1990-09-09", "cleo.mraz@example.org"),
			new SyntheaPeople.Person("s-4", "Dan", "Hahn", "1960-06-06", "dan.hahn@example.org"),
			new SyntheaPeople.Person("s-5", "Eve", "Lind", "2000-02-02", "eve.lind@example.org"));

	@Test
	void theFirstPatientsConsentAlternatingSmsAndEmailWithNumbersTheGatewayDelivers() {
		List<DemoEngagement.Consenting> consenting = DemoEngagement.consenting(PEOPLE);

		assertThat(consenting).extracting(DemoEngagement.Consenting::channel)
				.containsExactly(ContactChannel.SMS, ContactChannel.EMAIL, ContactChannel.SMS, ContactChannel.EMAIL);
		assertThat(consenting).extracting(DemoEngagement.Consenting::mobile).doesNotHaveDuplicates()
				.allSatisfy(n -> assertThat(n).startsWith("+49").doesNotEndWith("99"));
	}

	@Test
	void thePreferenceSendsRemindersOnTheChosenChannelAtAnyHourAndIsRecordedOnce() {
		DemoEngagement.Consenting sms = DemoEngagement.consenting(PEOPLE).get(0);
		Patient patient = new Patient();
		patient.addTelecom().setSystem(ContactPoint.ContactPointSystem.EMAIL).setValue(sms.person().email());

		Patient once = DemoEngagement.withPreference(patient.copy(), sms);
		Patient twice = DemoEngagement.withPreference(once.copy(), sms);

		List<ContactPreference> preferences = PatientEngagement.getContactPreferences(once);
		assertThat(preferences).singleElement().satisfies(p -> {
			assertThat(p.purpose()).isEqualTo(ContactPurpose.APPOINTMENT_REMINDER);
			assertThat(p.channel()).isEqualTo(ContactChannel.SMS);
			assertThat(p.telecom().getValue()).isEqualTo(sms.mobile());
			assertThat(p.telecom().getUse()).isEqualTo(ContactPoint.ContactPointUse.MOBILE);
			assertThat(p.hoursStart()).isEqualTo(LocalTime.MIDNIGHT).isEqualTo(p.hoursEnd());
			assertThat(p.language()).isEqualTo("en");
			assertThat(p.optedOut()).isFalse();
		});
		assertThat(once.getTelecom()).extracting(ContactPoint::getValue)
				.containsExactly(sms.person().email(), sms.mobile());
		assertThat(twice.equalsDeep(once)).as("a second run changes nothing").isTrue();
		assertThat(Golden.validationErrors(bundle(PatientEngagement.claimProfile(once)))).isEmpty();
	}

	@Test
	void anEmailPatientsPreferenceNamesTheirEmailAddress() {
		DemoEngagement.Consenting email = DemoEngagement.consenting(PEOPLE).get(1);

		Patient patient = DemoEngagement.withPreference(new Patient(), email);

		assertThat(PatientEngagement.getContactPreferences(patient)).singleElement().satisfies(p -> {
			assertThat(p.channel()).isEqualTo(ContactChannel.EMAIL);
			assertThat(p.telecom().getSystem()).isEqualTo(ContactPoint.ContactPointSystem.EMAIL);
			assertThat(p.telecom().getValue()).isEqualTo("ben.ortiz@example.org");
		});
	}

	@Test
	void theConsentPermitsAppointmentRemindersOnTheChannelOnlyAndConformsToTheProfile() {
		DemoEngagement.Consenting email = DemoEngagement.consenting(PEOPLE).get(1);

		Consent consent = DemoEngagement.contactConsent("Patient/42", email, new Date());

		assertThat(consent.getStatus()).isEqualTo(Consent.ConsentState.ACTIVE);
		assertThat(consent.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo(ConsentCodes.CATEGORY_CONTACT);
		assertThat(consent.getPatient().getReference()).isEqualTo("Patient/42");
		assertThat(consent.getProvision().getType()).isEqualTo(Consent.ConsentProvisionType.PERMIT);
		assertThat(consent.getProvision().getPurpose()).singleElement()
				.satisfies(c -> assertThat(ContactPurpose.APPOINTMENT_REMINDER.matches(c)).isTrue());
		assertThat(ConsentCodes.channels(consent.getProvision())).containsExactly(ContactChannel.EMAIL);
		assertThat(consent.getIdentifierFirstRep().getSystem()).isEqualTo(DemoEngagement.CONSENT_SYSTEM);
		assertThat(consent.getIdentifierFirstRep().getValue()).isEqualTo("ben.ortiz@example.org-appointment-reminder");
		assertThat(Golden.validationErrors(bundle(consent))).isEmpty();
	}

	@Test
	void theVisitsStartOnTheQuarterHourWithinTheReminderLeadTime() {
		Instant now = Instant.parse("2026-11-27T08:57:41Z");

		assertThat(DemoEngagement.soon(now, 0)).isEqualTo("2026-11-27T11:00:00Z");
		assertThat(DemoEngagement.soon(now, 1)).isEqualTo("2026-11-27T11:15:00Z");
		assertThat(DemoEngagement.soon(Instant.parse("2026-11-27T09:00:00Z"), 0)).isEqualTo("2026-11-27T11:00:00Z");
	}

	@Test
	void theTrackedLinkIsFoundInAReminderTextEvenAtTheEndOfASentence() {
		String text = "Hello Anna, we look forward to seeing you on Friday, 28 November 2026 at 10:30, Main Street "
				+ "Clinic, Room 4. http://localhost:18080/t/1234.Xk3vAbCdEfGhIjKlMnOp-_.";

		assertThat(DemoEngagement.trackedLink(text)).contains("http://localhost:18080/t/1234.Xk3vAbCdEfGhIjKlMnOp-_");
		assertThat(DemoEngagement.trackedLink("no link here")).isEmpty();
	}

	private static Bundle bundle(org.hl7.fhir.r4.model.Resource resource) {
		Bundle b = new Bundle().setType(Bundle.BundleType.COLLECTION);
		b.addEntry().setResource(resource);
		return b;
	}
}
