package dev.patient360.hub.engagement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Date;
import java.util.List;
import java.util.UUID;

import dev.patient360.hub.identity.PatientIndex;
import dev.patient360.hub.testsupport.HubIntegrationTest;
import dev.patient360.profiles.Codes.JourneyStage;
import dev.patient360.profiles.Codes.StageSource;
import dev.patient360.profiles.PatientEngagement;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class JourneyStageIT extends HubIntegrationTest {

	@Autowired
	PatientIndex index;

	@Test
	void appointmentEncounterAndMedicationMoveThePatientThroughTheJourneyWithHistory() {
		String patientId = newPatient();
		Reference subject = new Reference(patientId);
		assertThat(PatientEngagement.getStage(read(patientId))).isNull();

		Appointment appointment = new Appointment();
		appointment.setStatus(Appointment.AppointmentStatus.BOOKED);
		appointment.addParticipant().setActor(subject).setStatus(Appointment.ParticipationStatus.ACCEPTED);
		client().create().resource(appointment).execute();
		assertThat(stageOf(patientId)).isEqualTo(JourneyStage.HELP_SEEKING);

		Encounter encounter = new Encounter();
		encounter.setStatus(Encounter.EncounterStatus.INPROGRESS);
		encounter.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"));
		encounter.setSubject(subject);
		client().create().resource(encounter).execute();
		assertThat(stageOf(patientId)).isEqualTo(JourneyStage.CARE);
		assertThat(searchByStage("care")).contains(patientId);

		MedicationRequest medication = new MedicationRequest();
		medication.setStatus(MedicationRequest.MedicationRequestStatus.ACTIVE);
		medication.setIntent(MedicationRequest.MedicationRequestIntent.ORDER);
		medication.setMedication(new CodeableConcept(new Coding("http://www.nlm.nih.gov/research/umls/rxnorm", "197361", "amlodipine 5 MG")));
		medication.setSubject(subject);
		client().create().resource(medication).execute();
		assertThat(stageOf(patientId)).isEqualTo(JourneyStage.TREATMENT);
		assertThat(searchByStage("care")).doesNotContain(patientId);
		assertThat(searchByStage("treatment")).contains(patientId);

		Bundle history = client().history().onInstance(new IdType(patientId)).returnBundle(Bundle.class).execute();
		List<JourneyStage> stagesNewestFirst = history.getEntry().stream()
				.map(e -> PatientEngagement.getStage((Patient) e.getResource()))
				.map(s -> s == null ? null : s.stage())
				.toList();
		assertThat(stagesNewestFirst).containsExactly(JourneyStage.TREATMENT, JourneyStage.CARE,
				JourneyStage.HELP_SEEKING, null);
		PatientEngagement.Stage current = PatientEngagement.getStage(read(patientId));
		assertThat(current.source()).isEqualTo(StageSource.DERIVED);
		assertThat(current.since()).isNotNull();
		assertThat(read(patientId).getMeta().getProfile()).isEmpty();

		String golden = index.goldenOf(patientId).orElseThrow();
		assertThat(stageOf(golden)).isEqualTo(JourneyStage.TREATMENT);
		assertThat(index.sourcesOf(golden)).containsExactly(patientId);
	}

	@Test
	void aStageSetByAPersonIsNotOverriddenByTheEngine() {
		Patient patient = person();
		PatientEngagement.setStage(patient, new PatientEngagement.Stage(JourneyStage.ONGOING_CARE, new Date(), StageSource.MANUAL));
		String patientId = "Patient/" + client().create().resource(patient).execute().getId().getIdPart();
		Encounter encounter = new Encounter();
		encounter.setStatus(Encounter.EncounterStatus.INPROGRESS);
		encounter.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"));
		encounter.setSubject(new Reference(patientId));
		client().create().resource(encounter).execute();
		assertThat(stageOf(patientId)).isEqualTo(JourneyStage.ONGOING_CARE);
		assertThat(PatientEngagement.getStage(read(patientId)).source()).isEqualTo(StageSource.MANUAL);
	}

	@Test
	void aSourceResendingItsPatientWithoutTheHubsExtensionsKeepsThemAndMakesNoNewVersion() {
		Patient asTheSourceHasIt = person();
		asTheSourceHasIt.addIdentifier().setSystem("https://ehr.example/mrn").setValue(letters());
		String patientId = "Patient/" + client().create().resource(asTheSourceHasIt.copy()).execute().getId().getIdPart();
		Encounter encounter = new Encounter();
		encounter.setStatus(Encounter.EncounterStatus.INPROGRESS);
		encounter.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"));
		encounter.setSubject(new Reference(patientId));
		client().create().resource(encounter).execute();
		Patient withEngagement = read(patientId);
		assertThat(stageOf(patientId)).isEqualTo(JourneyStage.CARE);
		List<Coding> segments = PatientEngagement.getSegments(withEngagement);
		assertThat(PatientEngagement.getValue(withEngagement)).isNotNull();
		String version = withEngagement.getMeta().getVersionId();

		Patient resent = asTheSourceHasIt.copy();
		resent.setId(new IdType(patientId).getIdPart());
		client().update().resource(resent).execute();

		Patient after = read(patientId);
		assertThat(after.getMeta().getVersionId()).as("unchanged: no new version").isEqualTo(version);
		assertThat(stageOf(patientId)).isEqualTo(JourneyStage.CARE);

		Patient changed = asTheSourceHasIt.copy();
		changed.setId(new IdType(patientId).getIdPart());
		changed.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("555-0142");
		client().update().resource(changed).execute();

		Patient afterChange = read(patientId);
		assertThat(afterChange.getMeta().getVersionId()).isEqualTo(String.valueOf(Integer.parseInt(version) + 1));
		assertThat(afterChange.getTelecomFirstRep().getValue()).isEqualTo("555-0142");
		assertThat(stageOf(patientId)).as("the source's change keeps the hub's extensions").isEqualTo(JourneyStage.CARE);
		assertThat(PatientEngagement.getSegments(afterChange).stream().map(Coding::getCode).toList())
				.isEqualTo(segments.stream().map(Coding::getCode).toList());
		assertThat(PatientEngagement.getValue(afterChange).score()).isEqualByComparingTo(PatientEngagement.getValue(withEngagement).score());
	}

	private String newPatient() {
		return "Patient/" + client().create().resource(person()).execute().getId().getIdPart();
	}

	/**
	 * A person no other test's Patient resembles: the patient index would otherwise link them and the
	 * stage would be the other person's (digits split name tokens, so names are letters only).
	 */
	private static Patient person() {
		Patient patient = new Patient();
		patient.addName().setFamily(letters()).addGiven(letters());
		patient.setGender(AdministrativeGender.FEMALE);
		java.util.Random random = new java.util.Random();
		patient.setBirthDateElement(new org.hl7.fhir.r4.model.DateType(String.format("%d-%02d-%02d",
				1920 + random.nextInt(80), 1 + random.nextInt(12), 1 + random.nextInt(28))));
		return patient;
	}

	private static String letters() {
		StringBuilder name = new StringBuilder();
		UUID.randomUUID().toString().chars().filter(Character::isLetterOrDigit)
				.forEach(c -> name.append((char) ('a' + Character.digit(c, 16))));
		return "Q" + name.substring(0, 12);
	}

	private Patient read(String id) {
		return client().read().resource(Patient.class).withId(new IdType(id).getIdPart()).execute();
	}

	private JourneyStage stageOf(String id) {
		PatientEngagement.Stage stage = PatientEngagement.getStage(read(id));
		return stage == null ? null : stage.stage();
	}

	private List<String> searchByStage(String code) {
		Bundle found = client().search().byUrl("Patient?journey-stage=" + code + "&_count=1000")
				.returnBundle(Bundle.class).execute();
		return found.getEntry().stream()
				.map(e -> e.getResource().getIdElement().toUnqualifiedVersionless().getValue())
				.toList();
	}
}
