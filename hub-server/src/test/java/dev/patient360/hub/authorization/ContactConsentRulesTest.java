package dev.patient360.hub.authorization;

import static dev.patient360.profiles.Codes.ContactChannel.EMAIL;
import static dev.patient360.profiles.Codes.ContactChannel.SMS;
import static dev.patient360.profiles.Codes.ContactPurpose.APPOINTMENT_REMINDER;
import static dev.patient360.profiles.Codes.ContactPurpose.MARKETING;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Date;
import java.util.List;

import dev.patient360.hub.authorization.ConsentRules.Contact;
import dev.patient360.hub.authorization.ConsentRules.Decision;
import dev.patient360.hub.testsupport.ContactConsents;
import dev.patient360.profiles.Codes.ContactChannel;
import dev.patient360.profiles.Codes.ContactPurpose;
import dev.patient360.profiles.ConsentCodes;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentProvisionType;
import org.junit.jupiter.api.Test;

class ContactConsentRulesTest {

	static final Instant AT = Instant.parse("2030-03-11T09:00:00Z");

	@Test
	void aPermitForThePurposeOnAChannelPermitsThatChannelOnly() {
		Consent c = ContactConsents.permit("Patient/1", APPOINTMENT_REMINDER, SMS);

		assertThat(decide(List.of(c), APPOINTMENT_REMINDER, SMS)).isEqualTo(Decision.PERMIT);
		assertThat(decide(List.of(c), APPOINTMENT_REMINDER, EMAIL)).isEqualTo(Decision.NONE);
		assertThat(decide(List.of(c), MARKETING, SMS)).isEqualTo(Decision.NONE);
	}

	@Test
	void aPermitWithoutChannelsPermitsEveryChannel() {
		Consent c = ContactConsents.permit("Patient/1", APPOINTMENT_REMINDER);

		assertThat(decide(List.of(c), APPOINTMENT_REMINDER, SMS)).isEqualTo(Decision.PERMIT);
		assertThat(decide(List.of(c), APPOINTMENT_REMINDER, EMAIL)).isEqualTo(Decision.PERMIT);
	}

	@Test
	void aPermitWithoutPurposePermitsNothingButADenyWithoutPurposeDeniesAllContact() {
		Consent permitAll = ContactConsents.permit("Patient/1", null);
		Consent denyAll = ContactConsents.of("Patient/1", ConsentProvisionType.DENY, null);

		assertThat(decide(List.of(permitAll), APPOINTMENT_REMINDER, SMS)).isEqualTo(Decision.NONE);
		assertThat(decide(List.of(ContactConsents.permit("Patient/1", APPOINTMENT_REMINDER), denyAll),
				APPOINTMENT_REMINDER, SMS)).isEqualTo(Decision.DENY);
	}

	@Test
	void aDenyOfOneChannelWinsOverAPermitOfAllChannels() {
		List<Consent> consents = List.of(ContactConsents.permit("Patient/1", APPOINTMENT_REMINDER),
				ContactConsents.of("Patient/1", ConsentProvisionType.DENY, APPOINTMENT_REMINDER, SMS));

		assertThat(decide(consents, APPOINTMENT_REMINDER, SMS)).isEqualTo(Decision.DENY);
		assertThat(decide(consents, APPOINTMENT_REMINDER, EMAIL)).isEqualTo(Decision.PERMIT);
	}

	@Test
	void aNestedDenyIsAnExceptionWithinThePermit() {
		Consent c = ContactConsents.permit("Patient/1", APPOINTMENT_REMINDER);
		Consent.ProvisionComponent nested = c.getProvision().addProvision().setType(ConsentProvisionType.DENY);
		ConsentCodes.addChannel(nested, SMS);

		assertThat(decide(List.of(c), APPOINTMENT_REMINDER, SMS)).isEqualTo(Decision.DENY);
		assertThat(decide(List.of(c), APPOINTMENT_REMINDER, EMAIL)).isEqualTo(Decision.PERMIT);
	}

	@Test
	void onlyAConsentInForceAtTheTimeOfSendingCounts() {
		Consent c = ContactConsents.during(ContactConsents.permit("Patient/1", APPOINTMENT_REMINDER),
				Date.from(Instant.parse("2030-01-01T00:00:00Z")), Date.from(Instant.parse("2030-03-10T00:00:00Z")));

		assertThat(decide(List.of(c), APPOINTMENT_REMINDER, SMS)).isEqualTo(Decision.NONE);
		assertThat(ConsentRules.decideContact(List.of(c),
				new Contact(APPOINTMENT_REMINDER, SMS, Instant.parse("2030-02-01T00:00:00Z")))).isEqualTo(Decision.PERMIT);
	}

	@Test
	void inactiveAndDisclosureConsentsDoNotPermitContact() {
		Consent inactive = ContactConsents.permit("Patient/1", APPOINTMENT_REMINDER).setStatus(Consent.ConsentState.INACTIVE);
		Consent disclosure = ContactConsents.permit("Patient/1", APPOINTMENT_REMINDER);
		disclosure.getCategoryFirstRep().getCodingFirstRep().setCode(ConsentCodes.CATEGORY_DISCLOSURE);

		assertThat(decide(List.of(inactive, disclosure), APPOINTMENT_REMINDER, SMS)).isEqualTo(Decision.NONE);
	}

	@Test
	void aContactConsentNeverPermitsDisclosure() {
		Consent c = ContactConsents.permit("Patient/1", APPOINTMENT_REMINDER);
		c.getProvision().addActor().setRole(new org.hl7.fhir.r4.model.CodeableConcept(ConsentCodes.recipientRole()))
				.setReference(new org.hl7.fhir.r4.model.Reference("Organization/clinic-a"));

		assertThat(ConsentRules.decide(List.of(c), new ConsentRules.Disclosure("clinic-a", "Observation", "TREAT", AT)))
				.isEqualTo(Decision.NONE);
	}

	@Test
	void theTestConsentsConformToTheEngagementConsentProfile() {
		ca.uhn.fhir.context.FhirContext ctx = ca.uhn.fhir.context.FhirContext.forR4Cached();
		for (Consent c : List.of(ContactConsents.permit("Patient/1", APPOINTMENT_REMINDER, SMS),
				ContactConsents.of("Patient/1", ConsentProvisionType.DENY, APPOINTMENT_REMINDER))) {
			ca.uhn.fhir.validation.ValidationResult result = dev.patient360.profiles.EngagementValidation.validator(ctx)
					.validateWithResult(c);
			assertThat(result.getMessages().stream()
					.filter(m -> m.getSeverity().ordinal() >= ca.uhn.fhir.validation.ResultSeverityEnum.ERROR.ordinal())
					.map(ca.uhn.fhir.validation.SingleValidationMessage::getMessage)).isEmpty();
		}
	}

	private static Decision decide(List<Consent> consents, ContactPurpose purpose, ContactChannel channel) {
		return ConsentRules.decideContact(consents, new Contact(purpose, channel, AT));
	}
}
