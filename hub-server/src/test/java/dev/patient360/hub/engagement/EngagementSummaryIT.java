package dev.patient360.hub.engagement;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import dev.patient360.hub.identity.PatientIndex;
import dev.patient360.hub.testsupport.HubIntegrationTest;
import dev.patient360.profiles.Canonicals;
import dev.patient360.profiles.Codes.ContactChannel;
import dev.patient360.profiles.Codes.ContactPurpose;
import dev.patient360.profiles.Codes.DeliveryStatus;
import dev.patient360.profiles.Codes.JourneyStage;
import dev.patient360.profiles.CommunicationTracking;
import dev.patient360.profiles.ConsentCodes;
import dev.patient360.profiles.PatientEngagement;
import dev.patient360.profiles.SourceRecord;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.CommunicationRequest;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * One person known to three sources (an EHR, a scheduling system, a billing system), each with its
 * own Patient record linked by the patient index; the summary of the golden record and of any source
 * record shows what all three contributed.
 */
class EngagementSummaryIT extends HubIntegrationTest {

	@Autowired
	PatientIndex index;

	@Test
	void summaryOfAPersonKnownToThreeSourcesShowsStageSegmentsValueContactsAppointmentsRemindersAndCommunications() {
		String kvnr = "S" + String.format("%09d", new Random().nextInt(1_000_000_000));
		String family = letters();
		String ehr = createPatient(kvnr, family, "summary-ehr", true);
		String scheduling = createPatient(kvnr, family, "summary-scheduling", false);
		String billing = createPatient(kvnr, family, "summary-billing", false);
		String golden = index.goldenOf(ehr).orElseThrow();
		assertThat(index.sourcesOf(golden)).containsExactlyInAnyOrder(ehr, scheduling, billing);

		Encounter visit = new Encounter();
		visit.setStatus(Encounter.EncounterStatus.FINISHED);
		visit.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"));
		visit.setSubject(new Reference(ehr));
		visit.setPeriod(new Period().setStart(Date.from(Instant.now().minus(20, ChronoUnit.DAYS))));
		create(visit, "summary-ehr");

		Appointment followUp = new Appointment();
		followUp.setStatus(Appointment.AppointmentStatus.BOOKED);
		followUp.setStart(Date.from(Instant.now().plus(7, ChronoUnit.DAYS)));
		followUp.setEnd(Date.from(Instant.now().plus(7, ChronoUnit.DAYS).plus(30, ChronoUnit.MINUTES)));
		followUp.addParticipant().setActor(new Reference(scheduling)).setStatus(Appointment.ParticipationStatus.ACCEPTED);
		String appointmentId = create(followUp, "summary-scheduling");

		Coverage coverage = new Coverage();
		coverage.setStatus(Coverage.CoverageStatus.ACTIVE);
		coverage.setBeneficiary(new Reference(billing));
		coverage.addPayor(new Reference(billing));
		create(coverage, "summary-billing");

		Consent contact = new Consent();
		contact.setStatus(Consent.ConsentState.ACTIVE);
		contact.setScope(new CodeableConcept(ConsentCodes.scopePatientPrivacy()));
		contact.addCategory(new CodeableConcept(ConsentCodes.contact()));
		contact.setPatient(new Reference(ehr));
		contact.setDateTime(new Date());
		contact.getProvision().setType(Consent.ConsentProvisionType.PERMIT)
				.addPurpose(ContactPurpose.APPOINTMENT_REMINDER.coding());
		create(contact, "summary-ehr");

		CommunicationRequest reminder = new CommunicationRequest();
		reminder.setStatus(CommunicationRequest.CommunicationRequestStatus.ACTIVE);
		reminder.addCategory(ContactPurpose.APPOINTMENT_REMINDER.concept());
		reminder.addMedium(ContactChannel.EMAIL.concept());
		reminder.setSubject(new Reference(scheduling));
		reminder.addRecipient(new Reference(scheduling));
		reminder.addAbout(new Reference(appointmentId));
		reminder.setOccurrence(new org.hl7.fhir.r4.model.DateTimeType(Date.from(Instant.now().plus(6, ChronoUnit.DAYS))));
		reminder.addPayload().setContent(new org.hl7.fhir.r4.model.StringType("See you next week."));
		String reminderId = create(reminder, "summary-scheduling");

		Communication earlier = new Communication();
		earlier.setStatus(Communication.CommunicationStatus.COMPLETED);
		earlier.addCategory(ContactPurpose.APPOINTMENT_REMINDER.concept());
		earlier.addMedium(ContactChannel.EMAIL.concept());
		earlier.setSubject(new Reference(ehr));
		earlier.addRecipient(new Reference(ehr));
		earlier.setSent(Date.from(Instant.now().minus(21, ChronoUnit.DAYS)));
		new CommunicationTracking(DeliveryStatus.DELIVERED, earlier.getSent(), Date.from(Instant.now().minus(21, ChronoUnit.DAYS)),
				null, null).set(earlier);
		String communicationId = create(earlier, "summary-ehr");

		for (String id : List.of(golden, scheduling)) {
			Parameters summary = client().operation().onInstance("Patient/" + id.substring(8)).named("$engagement-summary")
					.withNoParameters(Parameters.class).useHttpGet().execute();

			assertThat(JourneyStage.of((Coding) summary.getParameter("stage").getValue())).isEqualTo(JourneyStage.ONGOING_CARE);
			assertThat(summary.getParameter("stage-since")).isNotNull();
			assertThat(summary.getParameters("stage-history")).isNotEmpty();
			assertThat(summary.getParameters("segment")).extracting(p -> ((Coding) p.getValue()).getCode())
					.contains("new", "acute-episode");
			assertThat(summary.getParameter("value").getValue().primitiveValue()).isNotBlank();
			assertThat(summary.getParameters("value-input")).extracting(p -> p.getPart().get(0).getValue().primitiveValue())
					.containsExactly("frequency", "recency", "reliability", "program", "billing", "response", "coverage");
			Parameters.ParametersParameterComponent reminders = summary.getParameters("contact").stream()
					.filter(p -> ContactPurpose.APPOINTMENT_REMINDER.matches((Coding) p.getPart().get(0).getValue()))
					.findFirst().orElseThrow();
			assertThat(reminders.getPart()).filteredOn(p -> p.getName().equals("allowed"))
					.singleElement().satisfies(p -> assertThat(((BooleanType) p.getValue()).booleanValue()).isTrue());
			Parameters.ParametersParameterComponent marketing = summary.getParameters("contact").stream()
					.filter(p -> ContactPurpose.MARKETING.matches((Coding) p.getPart().get(0).getValue()))
					.findFirst().orElseThrow();
			assertThat(marketing.getPart()).filteredOn(p -> p.getName().equals("allowed"))
					.singleElement().satisfies(p -> assertThat(((BooleanType) p.getValue()).booleanValue()).isFalse());
			assertThat(((IntegerType) summary.getParameter("communications-sent").getValue()).getValue()).isEqualTo(1);
			assertThat(((IntegerType) summary.getParameter("communications-responded").getValue()).getValue()).isEqualTo(1);
			assertThat(summary.getParameter("last-contact")).isNotNull();
			// Besides the delivered one, the reminder planner may have recorded why it did not plan a
			// reminder for an appointment (a not-done Communication); only the delivered one was sent.
			assertThat(summary.getParameters("communication")).filteredOn(p -> communicationId.equals(
					p.getPart().get(0).getResource().getIdElement().toUnqualifiedVersionless().getValue())).singleElement().satisfies(p -> {
				assertThat(p.getPart()).extracting(Parameters.ParametersParameterComponent::getName)
						.containsExactly("communication", "delivery-status", "responded");
			});
			assertThat(summary.getParameters("next-appointment")).extracting(p -> idOf(p.getResource()))
					.containsExactly(appointmentId);
			// Besides this test's own request, the reminder planner may have planned one for the booked appointment.
			assertThat(summary.getParameters("open-reminder")).extracting(p -> idOf(p.getResource()))
					.contains(reminderId);
			assertThat(summary.getParameters("source")).extracting(p -> ((Coding) p.getValue()).getCode())
					.containsExactlyInAnyOrder("summary-ehr", "summary-scheduling", "summary-billing");
		}
	}

	@Test
	void summaryOfAnUnknownPatientIsNotFound() {
		var response = http("GET", "/fhir/Patient/no-such-patient-anywhere/$engagement-summary", null,
				"Accept", "application/fhir+json");
		assertThat(response.statusCode()).isEqualTo(404);
	}

	private static String idOf(Resource r) {
		return r.getIdElement().toUnqualifiedVersionless().getValue();
	}

	private String create(Resource resource, String source) {
		new SourceRecord(source, UUID.randomUUID().toString(), null, new Date()).set(resource);
		return resource.fhirType() + "/" + client().create().resource(resource).execute().getId().getIdPart();
	}

	private String createPatient(String kvnr, String family, String source, boolean withPreference) {
		Patient patient = new Patient();
		patient.addIdentifier().setSystem(Canonicals.KVNR_SYSTEM).setValue(kvnr);
		patient.addName().setFamily(family).addGiven("Summer");
		patient.setGender(AdministrativeGender.FEMALE);
		patient.setBirthDateElement(new DateType("1958-04-12"));
		if (withPreference) {
			PatientEngagement.setContactPreferences(patient, List.of(new PatientEngagement.ContactPreference(
					ContactPurpose.APPOINTMENT_REMINDER, ContactChannel.EMAIL, null, null, null, "de", false)));
		}
		return create(patient, source);
	}

	private static String letters() {
		StringBuilder name = new StringBuilder();
		UUID.randomUUID().toString().chars().filter(Character::isLetterOrDigit)
				.forEach(c -> name.append((char) ('a' + Character.digit(c, 16))));
		return "Y" + name.substring(0, 12);
	}
}
