package dev.patient360.hub.engagement;

import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import dev.patient360.hub.identity.PatientIndex;
import dev.patient360.profiles.Canonicals;
import dev.patient360.profiles.Codes.JourneyStage;
import dev.patient360.profiles.Codes.Segment;
import dev.patient360.profiles.Codes.StageSource;
import dev.patient360.profiles.Codes.ValueMethod;
import dev.patient360.profiles.PatientEngagement;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;

/**
 * Recomputes journey stage, segments and relationship value of the person a Patient belongs to and
 * writes them to every Patient of that person (the golden record and its sources) where something
 * differs. Writes are the hub's own ({@link SystemRequestDetails}): server interceptors (patient
 * index, audit, profile check, this engine's trigger) do not see them, so they neither relink nor
 * recurse. meta.profile is left as it is; a stage set by a person ({@code source=manual}) and
 * segment Codings of other code systems are left alone. Segment changes of the person's member
 * record (golden, else the Patient itself) go to {@link SegmentGroups}.
 */
class EngagementService {

	/** What the rules say about one person. */
	record Evaluation(List<String> person, String member, List<Patient> records, PersonFacts facts,
			JourneyStage stage, Set<Segment> segments, BigDecimal value, Map<String, Double> valueParts) {
	}

	private final IFhirResourceDao<Patient> patients;
	private final PatientIndex index;
	private final EngagementFactsCollector collector;
	private final JourneyStageRules stageRules;
	private final SegmentRules segmentRules;
	private final ValueScore valueScore;
	private final SegmentGroups groups;
	private final Clock clock;

	EngagementService(IFhirResourceDao<Patient> patients, PatientIndex index, EngagementFactsCollector collector,
			JourneyStageRules stageRules, SegmentRules segmentRules, ValueScore valueScore, SegmentGroups groups,
			Clock clock) {
		this.patients = patients;
		this.index = index;
		this.collector = collector;
		this.stageRules = stageRules;
		this.segmentRules = segmentRules;
		this.valueScore = valueScore;
		this.groups = groups;
		this.clock = clock;
	}

	/** The Patients of the person {@code patientId} belongs to: golden first (if any), then the sources. */
	List<String> personOf(String patientId) {
		Set<String> person = new LinkedHashSet<>();
		Optional<String> golden = index.goldenOf(patientId);
		golden.ifPresent(g -> {
			person.add(g);
			person.addAll(index.sourcesOf(g));
		});
		if (golden.isEmpty() && !index.sourcesOf(patientId).isEmpty()) {
			// patientId is itself a golden record
			person.add(patientId);
			person.addAll(index.sourcesOf(patientId));
		}
		person.add(patientId);
		return new ArrayList<>(person);
	}

	/** Evaluates the rules for the person without writing anything. */
	Evaluation evaluate(String patientId) {
		List<String> person = personOf(patientId);
		String member = person.get(0);
		List<Patient> read = new ArrayList<>();
		List<String> sources = new ArrayList<>();
		for (String id : person) {
			Patient p = readOrNull(id);
			if (p == null) {
				continue;
			}
			read.add(p);
			boolean golden = person.size() > 1 && id.equals(member);
			if (!golden) {
				sources.add(id);
			}
		}
		PersonFacts facts = collector.collect(sources.isEmpty() ? List.of(patientId) : sources, read);
		BigDecimal value = valueScore.of(facts.segment());
		return new Evaluation(person, member, read, facts, stageRules.stageOf(facts.journey()),
				segmentRules.segmentsOf(facts.segment(), value), value, valueScore.parts(facts.segment()));
	}

	/** @param patientId {@code Patient/{id}}; returns how many Patients were written */
	int recompute(String patientId) {
		Evaluation e = evaluate(patientId);
		Date now = Date.from(clock.instant());
		int written = 0;
		for (Patient patient : e.records()) {
			String id = patient.getIdElement().toUnqualifiedVersionless().getValue();
			Set<Segment> before = hubSegments(patient);
			if (write(patient, e, now)) {
				written++;
			}
			if (id.equals(e.member()) && !before.equals(e.segments())) {
				Set<Segment> entered = EnumSet.noneOf(Segment.class);
				entered.addAll(e.segments());
				entered.removeAll(before);
				Set<Segment> left = EnumSet.noneOf(Segment.class);
				left.addAll(before);
				left.removeAll(e.segments());
				groups.record(id, entered, left);
			}
		}
		return written;
	}

	private boolean write(Patient patient, Evaluation e, Date now) {
		boolean changed = false;
		PatientEngagement.Stage current = PatientEngagement.getStage(patient);
		if (current == null || (current.source() != StageSource.MANUAL && current.stage() != e.stage())) {
			PatientEngagement.setStage(patient, new PatientEngagement.Stage(e.stage(), now, StageSource.DERIVED));
			changed = true;
		}
		if (!hubSegments(patient).equals(e.segments())) {
			List<Coding> codings = new ArrayList<>();
			PatientEngagement.getSegments(patient).stream()
					.filter(c -> !Canonicals.CS_SEGMENT.equals(c.getSystem())).forEach(codings::add);
			e.segments().forEach(s -> codings.add(s.coding()));
			PatientEngagement.setSegments(patient, codings);
			changed = true;
		}
		PatientEngagement.Value value = PatientEngagement.getValue(patient);
		boolean manualValue = value != null && value.method() == ValueMethod.MANUAL;
		if (!manualValue && (value == null || value.score() == null || value.method() != ValueMethod.RELATIONSHIP_VALUE
				|| value.score().compareTo(e.value()) != 0)) {
			PatientEngagement.setValue(patient, new PatientEngagement.Value(e.value(), ValueMethod.RELATIONSHIP_VALUE, now));
			changed = true;
		}
		if (changed) {
			patients.update(patient, new SystemRequestDetails());
		}
		return changed;
	}

	static Set<Segment> hubSegments(Patient patient) {
		Set<Segment> out = EnumSet.noneOf(Segment.class);
		for (Coding c : PatientEngagement.getSegments(patient)) {
			for (Segment s : Segment.values()) {
				if (s.matches(c)) {
					out.add(s);
				}
			}
		}
		return out;
	}

	private Patient readOrNull(String id) {
		try {
			return patients.read(new IdType(id), new SystemRequestDetails());
		}
		catch (ResourceNotFoundException | ResourceGoneException e) {
			return null;
		}
	}
}
