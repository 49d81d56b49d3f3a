package dev.patient360.hub.engagement;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import dev.patient360.hub.identity.PatientIndex;
import dev.patient360.profiles.Codes.JourneyStage;
import dev.patient360.profiles.Codes.StageSource;
import dev.patient360.profiles.PatientEngagement;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;

/**
 * Recomputes the journey stage of the person a Patient belongs to and writes it to every Patient of
 * that person (the golden record and its sources) whose stage differs. Writes are the hub's own
 * ({@link SystemRequestDetails}): server interceptors (patient index, audit, profile check, this
 * engine's trigger) do not see them, so they neither relink nor recurse. meta.profile is left as it
 * is; a stage set by a person ({@code source=manual}) is left alone.
 */
class JourneyStageService {

	private final IFhirResourceDao<Patient> patients;
	private final PatientIndex index;
	private final JourneyFactsCollector collector;
	private final JourneyStageRules rules;

	JourneyStageService(IFhirResourceDao<Patient> patients, PatientIndex index, JourneyFactsCollector collector,
			JourneyStageRules rules) {
		this.patients = patients;
		this.index = index;
		this.collector = collector;
		this.rules = rules;
	}

	/** @param patientId {@code Patient/{id}} */
	void recompute(String patientId) {
		Set<String> person = new LinkedHashSet<>();
		person.add(patientId);
		Optional<String> golden = index.goldenOf(patientId);
		golden.ifPresent(g -> {
			person.add(g);
			person.addAll(index.sourcesOf(g));
		});
		List<String> sources = new ArrayList<>(person);
		golden.ifPresent(sources::remove);
		JourneyStage stage = rules.stageOf(collector.collect(sources));
		Date now = new Date();
		for (String id : person) {
			write(id, stage, now);
		}
	}

	private void write(String patientId, JourneyStage stage, Date now) {
		Patient patient;
		try {
			patient = patients.read(new IdType(patientId), new SystemRequestDetails());
		}
		catch (ResourceNotFoundException | ResourceGoneException e) {
			return;
		}
		PatientEngagement.Stage current = PatientEngagement.getStage(patient);
		if (current != null && (current.source() == StageSource.MANUAL || current.stage() == stage)) {
			return;
		}
		PatientEngagement.setStage(patient, new PatientEngagement.Stage(stage, now, StageSource.DERIVED));
		patients.update(patient, new SystemRequestDetails());
	}
}
