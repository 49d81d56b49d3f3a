package dev.patient360.hub.engagement;

import java.sql.Array;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceOrListParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import dev.patient360.profiles.CommunicationTracking;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.ChargeItem;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Reads a person's resources (as the hub itself) and reduces them to {@link PersonFacts}: the
 * journey facts and the segment/value facts in one pass over the same searches.
 */
class EngagementFactsCollector {

	private static final Set<Appointment.AppointmentStatus> PLANNED = Set.of(Appointment.AppointmentStatus.PROPOSED,
			Appointment.AppointmentStatus.PENDING, Appointment.AppointmentStatus.BOOKED);
	private static final Set<Appointment.AppointmentStatus> NOT_COUNTED = Set.of(Appointment.AppointmentStatus.PROPOSED,
			Appointment.AppointmentStatus.CANCELLED, Appointment.AppointmentStatus.ENTEREDINERROR);
	private static final Set<Encounter.EncounterStatus> IN_PROGRESS = Set.of(Encounter.EncounterStatus.ARRIVED,
			Encounter.EncounterStatus.TRIAGED, Encounter.EncounterStatus.INPROGRESS, Encounter.EncounterStatus.ONLEAVE);

	private final DaoRegistry daos;
	private final JdbcTemplate jdbc;
	private final Clock clock;
	private final Set<String> lifestyleCategories;
	private final Set<String> chronicCategories;
	private final Set<String> programCategories;
	private final Set<String> programGroupCodes;

	EngagementFactsCollector(DaoRegistry daos, DataSource dataSource, Clock clock, EngagementProperties properties) {
		this.daos = daos;
		this.jdbc = new JdbcTemplate(dataSource);
		this.clock = clock;
		this.lifestyleCategories = Set.copyOf(properties.lifestyleCarePlanCategories());
		this.chronicCategories = Set.copyOf(properties.chronicConditionCategories());
		this.programCategories = Set.copyOf(properties.programCarePlanCategories());
		this.programGroupCodes = Set.copyOf(properties.programGroupCodes());
	}

	/**
	 * @param patientIds the person's records whose resources count ({@code Patient/{id}}: the sources
	 *     of a golden record, or the one unindexed Patient)
	 * @param patients the same Patients, read (birth date)
	 */
	PersonFacts collect(Collection<String> patientIds, List<Patient> patients) {
		Instant now = clock.instant();
		Instant yearAgo = now.minus(365, ChronoUnit.DAYS);

		boolean planned = false;
		int appointments = 0;
		int noShows = 0;
		for (Appointment a : search(Appointment.class, patientIds)) {
			planned |= PLANNED.contains(a.getStatus());
			Instant start = a.hasStart() ? a.getStart().toInstant() : lastUpdated(a, now);
			if (!NOT_COUNTED.contains(a.getStatus()) && !start.isBefore(yearAgo)) {
				appointments++;
				noShows += a.getStatus() == Appointment.AppointmentStatus.NOSHOW ? 1 : 0;
			}
		}

		boolean inProgress = false;
		boolean finished = false;
		int encounters = 0;
		Instant lastEncounter = null;
		for (Encounter e : search(Encounter.class, patientIds)) {
			inProgress |= IN_PROGRESS.contains(e.getStatus());
			finished |= e.getStatus() == Encounter.EncounterStatus.FINISHED;
			if (e.getStatus() == Encounter.EncounterStatus.CANCELLED || e.getStatus() == Encounter.EncounterStatus.ENTEREDINERROR
					|| e.getStatus() == Encounter.EncounterStatus.PLANNED) {
				continue;
			}
			Instant start = e.getPeriod().hasStart() ? e.getPeriod().getStart().toInstant() : lastUpdated(e, now);
			encounters += start.isBefore(yearAgo) || start.isAfter(now) ? 0 : 1;
			if (!start.isAfter(now) && (lastEncounter == null || start.isAfter(lastEncounter))) {
				lastEncounter = start;
			}
		}

		boolean activeTreatment = false;
		boolean pastTreatment = false;
		for (MedicationRequest m : search(MedicationRequest.class, patientIds)) {
			activeTreatment |= m.getStatus() == MedicationRequest.MedicationRequestStatus.ACTIVE;
			pastTreatment |= m.getStatus() == MedicationRequest.MedicationRequestStatus.COMPLETED
					|| m.getStatus() == MedicationRequest.MedicationRequestStatus.STOPPED;
		}
		for (Procedure p : search(Procedure.class, patientIds)) {
			activeTreatment |= p.getStatus() == Procedure.ProcedureStatus.INPROGRESS;
			pastTreatment |= p.getStatus() == Procedure.ProcedureStatus.COMPLETED;
		}
		boolean lifestyle = false;
		boolean program = false;
		for (CarePlan c : search(CarePlan.class, patientIds)) {
			boolean active = c.getStatus() == CarePlan.CarePlanStatus.ACTIVE;
			program |= active && hasCode(c.getCategory(), programCategories);
			if (hasCode(c.getCategory(), lifestyleCategories)) {
				lifestyle |= active;
			}
			else {
				activeTreatment |= active;
				pastTreatment |= c.getStatus() == CarePlan.CarePlanStatus.COMPLETED;
			}
		}
		int chronicConditions = 0;
		for (Condition c : search(Condition.class, patientIds)) {
			chronicConditions += hasCode(c.getCategory(), chronicCategories)
					&& hasCode(List.of(c.getClinicalStatus()), Set.of("active")) ? 1 : 0;
		}
		if (!program && !programGroupCodes.isEmpty()) {
			program = inProgramGroup(patientIds, now);
		}

		boolean coverage = false;
		for (Coverage c : search(Coverage.class, patientIds)) {
			coverage |= c.getStatus() == Coverage.CoverageStatus.ACTIVE && covers(c.getPeriod(), now);
		}
		int billing = 0;
		for (ChargeItem c : search(ChargeItem.class, patientIds)) {
			Date when = c.hasOccurrenceDateTimeType() ? c.getOccurrenceDateTimeType().getValue()
					: c.hasOccurrencePeriod() ? c.getOccurrencePeriod().getStart() : c.getEnteredDate();
			billing += within(when, yearAgo, now) ? 1 : 0;
		}
		for (Claim c : search(Claim.class, patientIds)) {
			billing += c.getStatus() != Claim.ClaimStatus.ENTEREDINERROR && within(c.getCreated(), yearAgo, now) ? 1 : 0;
		}

		int sent = 0;
		int responded = 0;
		Instant lastContact = lastEncounter;
		for (Communication c : search(Communication.class, patientIds)) {
			if (c.getStatus() != Communication.CommunicationStatus.COMPLETED || !c.hasSent()) {
				continue;
			}
			Instant at = c.getSent().toInstant();
			if (within(c.getSent(), yearAgo, now)) {
				sent++;
				CommunicationTracking tracking = CommunicationTracking.get(c);
				responded += tracking != null && tracking.responded() ? 1 : 0;
			}
			if (!at.isAfter(now) && (lastContact == null || at.isAfter(lastContact))) {
				lastContact = at;
			}
		}

		JourneyFacts journey = new JourneyFacts(planned, inProgress, finished, activeTreatment, pastTreatment,
				lifestyle, chronicConditions > 0);
		SegmentFacts segment = new SegmentFacts(age(patients, now), chronicConditions, encounters,
				daysBetween(lastEncounter, now), appointments, noShows, coverage, daysKnown(patientIds, now), program,
				billing, sent, responded, daysBetween(lastContact, now));
		return new PersonFacts(journey, segment);
	}

	private boolean inProgramGroup(Collection<String> patientIds, Instant now) {
		ReferenceOrListParam members = new ReferenceOrListParam();
		patientIds.forEach(id -> members.addOr(new ReferenceParam(id)));
		SearchParameterMap map = SearchParameterMap.newSynchronous().add(Group.SP_MEMBER, members);
		for (IBaseResource r : daos.getResourceDao(Group.class).search(map, new SystemRequestDetails()).getAllResources()) {
			Group g = (Group) r;
			if (!g.getActive() && g.hasActive() || !hasCode(List.of(g.getCode()), programGroupCodes)) {
				continue;
			}
			boolean member = g.getMember().stream().anyMatch(m -> !m.getInactive()
					&& patientIds.contains(m.getEntity().getReferenceElement().toUnqualifiedVersionless().getValue())
					&& covers(m.getPeriod(), now));
			if (member) {
				return true;
			}
		}
		return false;
	}

	private static int age(List<Patient> patients, Instant now) {
		for (Patient p : patients) {
			if (p.hasBirthDate()) {
				LocalDate born = p.getBirthDateElement().getValueAsCalendar().toZonedDateTime().toLocalDate();
				return Math.max(0, Period.between(born, LocalDate.ofInstant(now, ZoneOffset.UTC)).getYears());
			}
		}
		return -1;
	}

	private int daysKnown(Collection<String> patientIds, Instant now) {
		String[] ids = patientIds.stream().map(id -> id.substring(id.indexOf('/') + 1)).toArray(String[]::new);
		Timestamp first = jdbc.execute((ConnectionCallback<Timestamp>) c -> {
			Array array = c.createArrayOf("varchar", ids);
			try (var st = c.prepareStatement("select min(res_published) from hfj_resource "
					+ "where res_type = 'Patient' and fhir_id = any(?)")) {
				st.setArray(1, array);
				try (var rs = st.executeQuery()) {
					return rs.next() ? rs.getTimestamp(1) : null;
				}
			}
		});
		return first == null ? 0 : Math.max(0, daysBetween(first.toInstant(), now));
	}

	private static boolean covers(org.hl7.fhir.r4.model.Period period, Instant now) {
		return (!period.hasStart() || !period.getStart().toInstant().isAfter(now))
				&& (!period.hasEnd() || !period.getEnd().toInstant().isBefore(now));
	}

	private static boolean within(Date when, Instant from, Instant to) {
		return when != null && !when.toInstant().isBefore(from) && !when.toInstant().isAfter(to);
	}

	private static Instant lastUpdated(Resource r, Instant fallback) {
		return r.getMeta().hasLastUpdated() ? r.getMeta().getLastUpdated().toInstant() : fallback;
	}

	private static int daysBetween(Instant then, Instant now) {
		return then == null ? -1 : (int) Math.max(0, ChronoUnit.DAYS.between(then, now));
	}

	private static boolean hasCode(List<CodeableConcept> concepts, Set<String> codes) {
		return concepts.stream().flatMap(cc -> cc.getCoding().stream()).anyMatch(c -> codes.contains(c.getCode()));
	}

	@SuppressWarnings("unchecked")
	private <T extends IBaseResource> List<T> search(Class<T> type, Collection<String> patientIds) {
		ReferenceOrListParam patients = new ReferenceOrListParam();
		patientIds.forEach(id -> patients.addOr(new ReferenceParam(id)));
		SearchParameterMap map = SearchParameterMap.newSynchronous().add("patient", patients);
		return (List<T>) daos.getResourceDao(type).search(map, new SystemRequestDetails()).getAllResources();
	}
}
