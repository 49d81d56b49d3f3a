package dev.patient360.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.LocalTime;
import java.util.Date;
import java.util.List;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.FhirValidator;

import dev.patient360.profiles.Codes.ContactChannel;
import dev.patient360.profiles.Codes.ContactPurpose;
import dev.patient360.profiles.Codes.DeliveryStatus;
import dev.patient360.profiles.Codes.JourneyStage;
import dev.patient360.profiles.Codes.Segment;
import dev.patient360.profiles.Codes.StageSource;
import dev.patient360.profiles.Codes.ValueMethod;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/** The typed helpers write what they read back, and what they write conforms to the profiles. */
class HelpersTest {

	private static final FhirContext CTX = FhirContext.forR4Cached();
	private static final FhirValidator VALIDATOR = EngagementValidation.validator(CTX);

	private static List<String> errors(org.hl7.fhir.r4.model.Resource r) {
		return ExamplesValidationTest.errors(VALIDATOR.validateWithResult(r));
	}

	@Test
	void patientExtensionsRoundTripThroughJsonAndConformToEngagementPatient() {
		Patient p = PatientEngagement.claimProfile(new Patient());
		PatientEngagement.claimProfile(p);
		assertThat(p.getMeta().getProfile()).hasSize(1);
		Date since = new Date(1_760_000_000_000L);
		PatientEngagement.setStage(p, new PatientEngagement.Stage(JourneyStage.BEHAVIOUR_CHANGE, since, StageSource.MANUAL));
		Coding ownSegment = new Coding("https://example.org/CodeSystem/our-segments", "vip-sports", null);
		PatientEngagement.setSegments(p, List.of(Segment.AT_RISK_OF_CHURN.coding(), ownSegment));
		PatientEngagement.setValue(p, new PatientEngagement.Value(new BigDecimal("71.25"), ValueMethod.LIFETIME_VALUE, since));
		ContactPoint mobile = new ContactPoint().setSystem(ContactPoint.ContactPointSystem.SMS).setValue("+49 151 1");
		PatientEngagement.setContactPreferences(p, List.of(
				new PatientEngagement.ContactPreference(ContactPurpose.APPOINTMENT_REMINDER, ContactChannel.SMS, mobile,
						LocalTime.of(8, 0), LocalTime.of(20, 0), "de", false),
				new PatientEngagement.ContactPreference(ContactPurpose.MARKETING, ContactChannel.EMAIL, null, null, null,
						null, true)));
		new SourceRecord("demo-ehr", "PAT-1", "demo-ehr-fhir-1", since).set(p);
		new SourceRecord("demo-ehr", "PAT-1", null, null).set(p);

		Patient back = CTX.newJsonParser().parseResource(Patient.class, CTX.newJsonParser().encodeResourceToString(p));
		assertThat(PatientEngagement.getStage(back)).isEqualTo(new PatientEngagement.Stage(JourneyStage.BEHAVIOUR_CHANGE, since, StageSource.MANUAL));
		assertThat(PatientEngagement.getSegments(back)).extracting(Coding::getCode).containsExactly("at-risk-of-churn", "vip-sports");
		assertThat(PatientEngagement.getValue(back).score()).isEqualByComparingTo("71.25");
		assertThat(PatientEngagement.getValue(back).method()).isEqualTo(ValueMethod.LIFETIME_VALUE);
		List<PatientEngagement.ContactPreference> prefs = PatientEngagement.getContactPreferences(back);
		assertThat(prefs).hasSize(2);
		assertThat(prefs.get(0).hoursStart()).isEqualTo(LocalTime.of(8, 0));
		assertThat(prefs.get(0).telecom().getValue()).isEqualTo("+49 151 1");
		assertThat(prefs.get(1).optedOut()).isTrue();
		assertThat(SourceRecord.get(back)).isEqualTo(new SourceRecord("demo-ehr", "PAT-1", null, null));
		assertThat(back.getMeta().getTag()).hasSize(1);
		assertThat(back.getMeta().getExtension()).hasSize(1);
		assertThat(errors(back)).isEmpty();
	}

	@Test
	void aSourceSystemCodeOfTheDeploymentThatThePackageDoesNotListIsAccepted() {
		Patient p = PatientEngagement.claimProfile(new Patient());
		new SourceRecord("acme-lis", "LIS-42", null, null).set(p);
		assertThat(errors(p)).isEmpty();
	}

	@Test
	void aScoreOutsideZeroToHundredIsRefusedByTheHelper() {
		assertThatThrownBy(() -> PatientEngagement.setValue(new Patient(),
				new PatientEngagement.Value(new BigDecimal("100.5"), ValueMethod.MANUAL, new Date())))
				.isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void communicationTrackingRoundTripsAndConformsToEngagementCommunication() {
		Communication c = new Communication();
		c.getMeta().addProfile(Canonicals.PROFILE_COMMUNICATION);
		c.setStatus(Communication.CommunicationStatus.COMPLETED);
		c.addCategory(ContactPurpose.SURVEY.concept());
		c.addMedium(ContactChannel.EMAIL.concept());
		c.setSubject(new Reference("Patient/x1"));
		Date opened = new Date(1_760_000_100_000L);
		new CommunicationTracking(DeliveryStatus.DELIVERED, null, opened, null, null).set(c);
		CommunicationTracking back = CommunicationTracking.get(c);
		assertThat(back.status()).isEqualTo(DeliveryStatus.DELIVERED);
		assertThat(back.responded()).isTrue();
		assertThat(errors(c)).isEmpty();
	}

	@Test
	void aContactConsentBuiltFromConsentCodesConforms() {
		Consent consent = new Consent();
		consent.getMeta().addProfile(Canonicals.PROFILE_CONSENT);
		consent.setStatus(Consent.ConsentState.ACTIVE);
		consent.setScope(new CodeableConcept(ConsentCodes.scopePatientPrivacy()));
		consent.addCategory(new CodeableConcept(ConsentCodes.contact()));
		consent.setPatient(new Reference("Patient/x1"));
		consent.addPolicy().setUri("https://example.org/privacy-policy");
		consent.getProvision().setType(Consent.ConsentProvisionType.PERMIT)
				.addPurpose(ContactPurpose.CARE_INFORMATION.coding());
		ConsentCodes.addChannel(consent.getProvision(), ContactChannel.PORTAL);
		assertThat(ConsentCodes.channels(consent.getProvision())).containsExactly(ContactChannel.PORTAL);
		assertThat(errors(consent)).isEmpty();
	}

	@Test
	void codesKnowTheirSystemsAndFindThemselvesFromCodings() {
		assertThat(JourneyStage.HELP_SEEKING.code()).isEqualTo("help-seeking");
		assertThat(ContactChannel.APP_PUSH.coding().getSystem()).isEqualTo(Canonicals.CS_CONTACT_CHANNEL);
		assertThat(ContactChannel.of(new Coding(Canonicals.CS_CONTACT_CHANNEL, "app-push", null))).isEqualTo(ContactChannel.APP_PUSH);
		assertThat(ContactChannel.of(new Coding("http://other", "app-push", null))).isNull();
	}
}
