package dev.patient360.hub.engagement;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalTime;
import java.util.Date;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import dev.patient360.hub.testsupport.ContactConsents;
import dev.patient360.hub.testsupport.HubIntegrationTest;
import dev.patient360.hub.testsupport.TestClock;
import dev.patient360.profiles.Canonicals;
import dev.patient360.profiles.Codes.ContactChannel;
import dev.patient360.profiles.Codes.ContactPurpose;
import dev.patient360.profiles.Codes.DeliveryStatus;
import dev.patient360.profiles.CommunicationTracking;
import dev.patient360.profiles.EngagementValidation;
import dev.patient360.profiles.Codes.NotDoneReason;
import dev.patient360.profiles.PatientEngagement;
import dev.patient360.profiles.PatientEngagement.ContactPreference;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.CommunicationRequest;
import org.hl7.fhir.r4.model.CommunicationRequest.CommunicationRequestStatus;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Appointment reminders on the hub with real PostgreSQL: an Appointment written over FHIR, the
 * CommunicationRequest (or the not-done Communication) the hub writes after the commit. The clock
 * stands at {@link #NOW} (Berlin is UTC+1 in March 2030 until the 31st).
 */
class ReminderIT extends HubIntegrationTest {

	static final Instant NOW = Instant.parse("2030-03-10T08:00:00Z");
	static final ContactPoint MOBILE = new ContactPoint().setSystem(ContactPoint.ContactPointSystem.PHONE)
			.setUse(ContactPoint.ContactPointUse.MOBILE).setValue("+49 151 23456789");
	static final ContactPoint EMAIL = new ContactPoint().setSystem(ContactPoint.ContactPointSystem.EMAIL)
			.setValue("anna.becker@example.org");

	static final java.util.concurrent.atomic.AtomicLong PEOPLE = new java.util.concurrent.atomic.AtomicLong();

	@Autowired
	TestClock clock;

	@Autowired
	ReminderService reminders;

	@BeforeEach
	void standStill() {
		clock.set(NOW);
	}

	@AfterEach
	void runAgain() {
		clock.reset();
	}

	@Test
	void aBookedAppointmentGetsAReminderRequestTheLeadTimeBeforeOnThePreferredChannel() {
		String patient = patient(ContactChannel.SMS, null, null, MOBILE, EMAIL);
		consent(patient, ContactChannel.SMS);
		String appointment = book(patient, "2030-03-12T09:00:00Z");

		CommunicationRequest r = request(appointment);
		assertThat(r.getStatus()).isEqualTo(CommunicationRequestStatus.ACTIVE);
		assertThat(r.getOccurrenceDateTimeType().getValue().toInstant()).isEqualTo(Instant.parse("2030-03-11T09:00:00Z"));
		assertThat(r.getOccurrenceDateTimeType().getValueAsString()).isEqualTo("2030-03-11T10:00:00+01:00");
		assertThat(r.getMeta().hasProfile(Canonicals.PROFILE_COMMUNICATION_REQUEST)).isTrue();
		assertThat(r.getIdentifierFirstRep().getSystem()).isEqualTo(Canonicals.SID_REMINDER);
		assertThat(r.getIdentifierFirstRep().getValue()).isEqualTo(idPart(appointment) + "-appointment-reminder");
		assertThat(ContactPurpose.of(r.getCategoryFirstRep().getCodingFirstRep())).isEqualTo(ContactPurpose.APPOINTMENT_REMINDER);
		assertThat(ContactChannel.of(r.getMediumFirstRep().getCodingFirstRep())).isEqualTo(ContactChannel.SMS);
		assertThat(r.getSubject().getReference()).isEqualTo(patient);
		assertThat(r.getRecipientFirstRep().getReference()).isEqualTo(patient);
		assertThat(r.getAboutFirstRep().getReference()).isEqualTo(appointment);
		assertThat(r.getAuthoredOn().toInstant()).isEqualTo(NOW);
		assertThat(r.getPayloadFirstRep().getContentStringType().getValue())
				.startsWith("Hallo Anna, wir freuen uns auf Sie: Ihr Termin ist am Dienstag, 12. März 2030 um 10:00 Uhr, Praxis am Markt.")
				.contains("http://localhost:8080/t/" + r.getIdElement().getIdPart() + ".");
		// The channel routes write it back over FHIR (status=completed), where the profile is enforced.
		assertThat(EngagementValidation.validator(fhirContext).validateWithResult(r).getMessages().stream()
				.filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
				.map(SingleValidationMessage::getMessage)).isEmpty();
	}

	@Test
	void anSmsCarriesNoReasonServiceTypeOrConditionOfTheAppointment() {
		String patient = patient(ContactChannel.SMS, null, null, MOBILE);
		consent(patient, ContactChannel.SMS);
		Condition condition = new Condition();
		condition.setSubject(new Reference(patient));
		condition.setCode(new CodeableConcept().setText("Mammakarzinom"));
		String conditionId = client().create().resource(condition).execute().getId().toUnqualifiedVersionless().getValue();
		Appointment a = appointment(patient, "2030-03-12T09:00:00Z");
		a.addReasonCode(new CodeableConcept().setText("Verdacht auf Brustkrebs"));
		a.addReasonReference(new Reference(conditionId).setDisplay("Mammakarzinom"));
		a.addServiceType(new CodeableConcept().setText("Onkologische Sprechstunde"));
		a.setAppointmentType(new CodeableConcept().setText("Chemotherapie-Nachsorge"));
		a.setDescription("Besprechung der Biopsie");
		a.setComment("HIV-Test mitbringen");
		String appointment = client().create().resource(a).execute().getId().toUnqualifiedVersionless().getValue();

		String sms = request(appointment).getPayloadFirstRep().getContentStringType().getValue();
		assertThat(sms).contains("10:00", "Praxis am Markt");
		for (String clinical : List.of("Mammakarzinom", "Brustkrebs", "Onkolog", "Chemo", "Biopsie", "HIV")) {
			assertThat(sms).doesNotContainIgnoringCase(clinical);
		}
	}

	@Test
	void aDueTimeInQuietHoursMovesToTheStartOfThePatientsContactHours() {
		String patient = patient(ContactChannel.SMS, LocalTime.of(9, 0), LocalTime.of(18, 0), MOBILE);
		consent(patient, ContactChannel.SMS);
		// 07:30 Berlin: 24 h before is 07:30 the day before, before 09:00.
		String appointment = book(patient, "2030-03-12T06:30:00Z");

		assertThat(request(appointment).getOccurrenceDateTimeType().getValueAsString()).isEqualTo("2030-03-11T09:00:00+01:00");
	}

	@Test
	void noAllowedTimeBeforeTheStartMeansNoRequestAndTheReasonRecorded() {
		clock.set(Instant.parse("2030-03-10T19:30:00Z"));
		String patient = patient(ContactChannel.SMS, null, null, MOBILE);
		consent(patient, ContactChannel.SMS);
		// 20:30 Berlin now, appointment 22:00: the contact hours (08:00-20:00) are over until after it.
		String appointment = book(patient, "2030-03-10T21:00:00Z");

		assertThat(requests(appointment)).isEmpty();
		assertThat(notDone(appointment, NotDoneReason.NO_ALLOWED_TIME)).isNotNull();
	}

	@Test
	void withoutContactConsentNothingIsPlannedAndTheReasonIsRecorded() {
		String patient = patient(ContactChannel.SMS, null, null, MOBILE);
		String appointment = book(patient, "2030-03-12T09:00:00Z");

		assertThat(requests(appointment)).isEmpty();
		Communication c = notDone(appointment, NotDoneReason.NO_CONTACT_CONSENT);
		assertThat(c.getStatus()).isEqualTo(Communication.CommunicationStatus.NOTDONE);
		assertThat(NotDoneReason.of(c.getStatusReason().getCodingFirstRep())).isEqualTo(NotDoneReason.NO_CONTACT_CONSENT);
		assertThat(c.getBasedOn()).isEmpty();
		assertThat(c.getAboutFirstRep().getReference()).isEqualTo(appointment);
		assertThat(c.getSubject().getReference()).isEqualTo(patient);
		assertThat(ContactPurpose.of(c.getCategoryFirstRep().getCodingFirstRep())).isEqualTo(ContactPurpose.APPOINTMENT_REMINDER);

		reminders.plan(appointment);
		assertThat(notDoneCount(appointment)).isEqualTo(1);
	}

	@Test
	void anOptedOutPatientGetsNoReminderEvenWithConsent() {
		String patient = patient(null, null, null, MOBILE);
		Patient p = client().read().resource(Patient.class).withId(patient).execute();
		PatientEngagement.setContactPreferences(p, List.of(new ContactPreference(ContactPurpose.APPOINTMENT_REMINDER,
				ContactChannel.SMS, null, null, null, null, true)));
		client().update().resource(p).execute();
		consent(patient, ContactChannel.SMS);
		String appointment = book(patient, "2030-03-12T09:00:00Z");

		assertThat(requests(appointment)).isEmpty();
		assertThat(notDone(appointment, NotDoneReason.OPTED_OUT)).isNotNull();
	}

	@Test
	void aConsentForEmailOnlySendsByEmailThoughThePatientPrefersSms() {
		String patient = patient(ContactChannel.SMS, null, null, MOBILE, EMAIL);
		consent(patient, ContactChannel.EMAIL);
		String appointment = book(patient, "2030-03-12T09:00:00Z");

		CommunicationRequest r = request(appointment);
		assertThat(ContactChannel.of(r.getMediumFirstRep().getCodingFirstRep())).isEqualTo(ContactChannel.EMAIL);
		assertThat(r.getPayloadFirstRep().getContentStringType().getValue()).startsWith("Hallo Anna,\n\nwir möchten Sie");
	}

	@Test
	void aRescheduledAppointmentMovesItsReminderAndPlanningTheSameVersionAgainWritesNothing() {
		String patient = patient(ContactChannel.SMS, null, null, MOBILE);
		consent(patient, ContactChannel.SMS);
		String appointment = book(patient, "2030-03-12T09:00:00Z");
		CommunicationRequest first = request(appointment);

		reminders.plan(appointment);
		assertThat(request(appointment).getMeta().getVersionId()).isEqualTo(first.getMeta().getVersionId());

		Appointment a = client().read().resource(Appointment.class).withId(appointment).execute();
		a.setStart(Date.from(Instant.parse("2030-03-14T14:30:00Z")));
		a.setEnd(Date.from(Instant.parse("2030-03-14T15:00:00Z")));
		client().update().resource(a).execute();

		CommunicationRequest moved = request(appointment);
		assertThat(moved.getIdElement().getIdPart()).isEqualTo(first.getIdElement().getIdPart());
		assertThat(Long.parseLong(moved.getMeta().getVersionId())).isGreaterThan(Long.parseLong(first.getMeta().getVersionId()));
		assertThat(moved.getStatus()).isEqualTo(CommunicationRequestStatus.ACTIVE);
		assertThat(moved.getOccurrenceDateTimeType().getValueAsString()).isEqualTo("2030-03-13T15:30:00+01:00");
		assertThat(moved.getPayloadFirstRep().getContentStringType().getValue()).contains("Donnerstag, 14. März 2030 um 15:30 Uhr");
		assertThat(requests(appointment)).hasSize(1);
	}

	@Test
	void aCancelledAppointmentRevokesItsReminder() {
		String patient = patient(ContactChannel.SMS, null, null, MOBILE);
		consent(patient, ContactChannel.SMS);
		String appointment = book(patient, "2030-03-12T09:00:00Z");
		assertThat(request(appointment).getStatus()).isEqualTo(CommunicationRequestStatus.ACTIVE);

		Appointment a = client().read().resource(Appointment.class).withId(appointment).execute();
		a.setStatus(Appointment.AppointmentStatus.CANCELLED);
		client().update().resource(a).execute();

		assertThat(request(appointment).getStatus()).isEqualTo(CommunicationRequestStatus.REVOKED);
	}

	@Test
	void aDeletedAppointmentRevokesItsReminder() {
		String patient = patient(ContactChannel.SMS, null, null, MOBILE);
		consent(patient, ContactChannel.SMS);
		String appointment = book(patient, "2030-03-12T09:00:00Z");

		client().delete().resourceById(new org.hl7.fhir.r4.model.IdType(appointment)).execute();

		assertThat(request(appointment).getStatus()).isEqualTo(CommunicationRequestStatus.REVOKED);
	}

	@Test
	void aClickOnTheTrackedLinkRedirectsToTheTargetAndMarksTheCommunicationClickedAndOpened() {
		CommunicationRequest r = request(book(withConsent(), "2030-03-12T09:00:00Z"));
		String communication = sentByTheChannel(r);
		clock.set(Instant.parse("2030-03-11T09:12:30Z"));

		HttpResponse<byte[]> click = get(trackedPath(r));

		assertThat(click.statusCode()).isEqualTo(302);
		assertThat(click.headers().firstValue("Location")).contains("https://patient360.dev/appointments");
		CommunicationTracking t = CommunicationTracking.get(read(communication));
		assertThat(t.clicked().toInstant()).isEqualTo(Instant.parse("2030-03-11T09:12:30Z"));
		assertThat(t.opened().toInstant()).isEqualTo(Instant.parse("2030-03-11T09:12:30Z"));
		assertThat(t.status()).isEqualTo(DeliveryStatus.DELIVERED);
		assertThat(t.delivered().toInstant()).isEqualTo(Instant.parse("2030-03-11T09:00:05Z"));

		clock.set(Instant.parse("2030-03-11T10:00:00Z"));
		assertThat(get(trackedPath(r)).statusCode()).isEqualTo(302);
		assertThat(CommunicationTracking.get(read(communication)).clicked().toInstant())
				.isEqualTo(Instant.parse("2030-03-11T09:12:30Z"));
	}

	@Test
	void theOpenPixelIsATransparentGifAndMarksTheCommunicationOpened() {
		CommunicationRequest r = request(book(withConsent(), "2030-03-12T09:00:00Z"));
		String communication = sentByTheChannel(r);
		clock.set(Instant.parse("2030-03-11T09:20:00Z"));

		HttpResponse<byte[]> pixel = get(trackedPath(r) + "/o.gif");

		assertThat(pixel.statusCode()).isEqualTo(200);
		assertThat(pixel.headers().firstValue("Content-Type")).contains("image/gif");
		assertThat(new String(pixel.body(), 0, 6, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("GIF89a");
		assertThat(pixel.body()[6] & 0xff | (pixel.body()[7] & 0xff) << 8).isEqualTo(1);
		CommunicationTracking t = CommunicationTracking.get(read(communication));
		assertThat(t.opened().toInstant()).isEqualTo(Instant.parse("2030-03-11T09:20:00Z"));
		assertThat(t.clicked()).isNull();
	}

	@Test
	void aForgedTokenIsNotFoundWithoutAnyInformationAndChangesNothing() {
		CommunicationRequest r = request(book(withConsent(), "2030-03-12T09:00:00Z"));
		String communication = sentByTheChannel(r);
		String genuine = trackedPath(r);
		String otherRequest = "/t/" + (Long.parseLong(r.getIdElement().getIdPart()) + 1) + genuine.substring(genuine.indexOf('.'));

		for (String forged : List.of(otherRequest, genuine.substring(0, genuine.length() - 2) + "xx",
				"/t/" + r.getIdElement().getIdPart(), otherRequest + "/o.gif")) {
			HttpResponse<byte[]> answer = get(forged);
			assertThat(answer.statusCode()).as(forged).isEqualTo(404);
			assertThat(answer.body()).as(forged).isEmpty();
		}
		assertThat(CommunicationTracking.get(read(communication)).opened()).isNull();
	}

	private String withConsent() {
		String patient = patient(ContactChannel.SMS, null, null, MOBILE);
		consent(patient, ContactChannel.SMS);
		return patient;
	}

	/** What the channel routes write after sending (the contract in docs/engagement.md). */
	private String sentByTheChannel(CommunicationRequest r) {
		Communication c = new Communication();
		c.getMeta().addProfile(Canonicals.PROFILE_COMMUNICATION);
		c.addIdentifier(r.getIdentifierFirstRep().copy());
		c.addBasedOn(new Reference("CommunicationRequest/" + r.getIdElement().getIdPart()));
		c.setStatus(Communication.CommunicationStatus.COMPLETED);
		c.setCategory(List.of(r.getCategoryFirstRep().copy()));
		c.setMedium(List.of(r.getMediumFirstRep().copy()));
		c.setSubject(r.getSubject().copy());
		c.addRecipient(r.getSubject().copy());
		c.setAbout(List.of(r.getAboutFirstRep().copy()));
		c.setSent(Date.from(Instant.parse("2030-03-11T09:00:00Z")));
		new CommunicationTracking(DeliveryStatus.DELIVERED, Date.from(Instant.parse("2030-03-11T09:00:05Z")), null, null,
				null).set(c);
		return client().create().resource(c).execute().getId().toUnqualifiedVersionless().getValue();
	}

	private Communication read(String communication) {
		return client().read().resource(Communication.class).withId(communication).execute();
	}

	private static String trackedPath(CommunicationRequest r) {
		Matcher m = Pattern.compile("http://localhost:8080(/t/\\S+)").matcher(r.getPayloadFirstRep().getContentStringType().getValue());
		assertThat(m.find()).isTrue();
		return m.group(1);
	}

	private HttpResponse<byte[]> get(String path) {
		try {
			return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
					HttpResponse.BodyHandlers.ofByteArray());
		}
		catch (java.io.IOException e) {
			throw new IllegalStateException(e);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(e);
		}
	}

	private String patient(ContactChannel preferred, LocalTime hoursStart, LocalTime hoursEnd, ContactPoint... telecom) {
		Patient p = new Patient();
		p.addName(new HumanName().setFamily("Becker-" + java.util.UUID.randomUUID()).addGiven("Anna"));
		p.setBirthDateElement(new org.hl7.fhir.r4.model.DateType(java.time.LocalDate.of(1940, 1, 1).plusDays(PEOPLE.get() * 97 + System.nanoTime() % 9000).toString()));
		// Each test patient is another person: shared phone numbers or e-mail addresses would let
		// the patient index link them, and then one's Consent would count for all.
		long n = PEOPLE.incrementAndGet();
		for (ContactPoint t : telecom) {
			p.addTelecom(t.copy().setValue(t.getSystem() == ContactPoint.ContactPointSystem.EMAIL
					? "anna." + n + "." + System.nanoTime() + "@example.org" : "+49 151 " + System.nanoTime() % 100_000_000L));
		}
		if (preferred != null) {
			PatientEngagement.setContactPreferences(p, List.of(new ContactPreference(ContactPurpose.APPOINTMENT_REMINDER,
					preferred, null, hoursStart, hoursEnd, "de", false)));
		}
		return client().create().resource(p).execute().getId().toUnqualifiedVersionless().getValue();
	}

	private void consent(String patient, ContactChannel channel) {
		client().create().resource(ContactConsents.permit(patient, ContactPurpose.APPOINTMENT_REMINDER, channel)).execute();
	}

	private Appointment appointment(String patient, String start) {
		Appointment a = new Appointment();
		a.setStatus(Appointment.AppointmentStatus.BOOKED);
		a.setStart(Date.from(Instant.parse(start)));
		a.setEnd(Date.from(Instant.parse(start).plusSeconds(1800)));
		a.addParticipant().setActor(new Reference(patient)).setStatus(Appointment.ParticipationStatus.ACCEPTED);
		a.addParticipant().setActor(new Reference().setDisplay("Praxis am Markt")
				.setType("Location")).setStatus(Appointment.ParticipationStatus.ACCEPTED);
		return a;
	}

	private String book(String patient, String start) {
		return client().create().resource(appointment(patient, start)).execute().getId().toUnqualifiedVersionless().getValue();
	}

	private List<CommunicationRequest> requests(String appointment) {
		Bundle b = client().search().forResource(CommunicationRequest.class)
				.where(CommunicationRequest.IDENTIFIER.exactly().systemAndCode(Canonicals.SID_REMINDER,
						idPart(appointment) + "-appointment-reminder"))
				.returnBundle(Bundle.class).execute();
		return b.getEntry().stream().map(e -> (CommunicationRequest) e.getResource()).toList();
	}

	private CommunicationRequest request(String appointment) {
		List<CommunicationRequest> found = requests(appointment);
		assertThat(found).hasSize(1);
		return found.get(0);
	}

	private Communication notDone(String appointment, NotDoneReason reason) {
		Bundle b = client().search().forResource(Communication.class)
				.where(Communication.IDENTIFIER.exactly().systemAndCode(Canonicals.SID_REMINDER_NOT_DONE,
						idPart(appointment) + "-appointment-reminder-" + reason.code()))
				.returnBundle(Bundle.class).execute();
		assertThat(b.getEntry()).hasSize(1);
		return (Communication) b.getEntryFirstRep().getResource();
	}

	private int notDoneCount(String appointment) {
		return client().search().forResource(Communication.class)
				.where(Communication.IDENTIFIER.exactly().systemAndCode(Canonicals.SID_REMINDER_NOT_DONE,
						idPart(appointment) + "-appointment-reminder-" + NotDoneReason.NO_CONTACT_CONSENT.code()))
				.returnBundle(Bundle.class).execute().getEntry().size();
	}

	private static String idPart(String id) {
		return new org.hl7.fhir.r4.model.IdType(id).getIdPart();
	}
}
