package dev.patient360.hub.engagement;

import java.util.Collection;
import java.util.List;
import java.util.Set;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceOrListParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Procedure;

/** Reads a person's clinical resources (as the hub itself) and reduces them to {@link JourneyFacts}. */
class JourneyFactsCollector {

	private static final Set<Appointment.AppointmentStatus> PLANNED = Set.of(Appointment.AppointmentStatus.PROPOSED,
			Appointment.AppointmentStatus.PENDING, Appointment.AppointmentStatus.BOOKED);
	private static final Set<Encounter.EncounterStatus> IN_PROGRESS = Set.of(Encounter.EncounterStatus.ARRIVED,
			Encounter.EncounterStatus.TRIAGED, Encounter.EncounterStatus.INPROGRESS, Encounter.EncounterStatus.ONLEAVE);

	private final DaoRegistry daos;
	private final Set<String> lifestyleCategories;
	private final Set<String> chronicCategories;

	JourneyFactsCollector(DaoRegistry daos, EngagementProperties properties) {
		this.daos = daos;
		this.lifestyleCategories = Set.copyOf(properties.lifestyleCarePlanCategories());
		this.chronicCategories = Set.copyOf(properties.chronicConditionCategories());
	}

	JourneyFacts collect(Collection<String> patientIds) {
		boolean planned = false;
		boolean inProgress = false;
		boolean finished = false;
		boolean activeTreatment = false;
		boolean pastTreatment = false;
		boolean lifestyle = false;
		boolean chronic = false;
		for (Appointment a : search(Appointment.class, patientIds)) {
			planned |= PLANNED.contains(a.getStatus());
		}
		for (Encounter e : search(Encounter.class, patientIds)) {
			inProgress |= IN_PROGRESS.contains(e.getStatus());
			finished |= e.getStatus() == Encounter.EncounterStatus.FINISHED;
		}
		for (MedicationRequest m : search(MedicationRequest.class, patientIds)) {
			activeTreatment |= m.getStatus() == MedicationRequest.MedicationRequestStatus.ACTIVE;
			pastTreatment |= m.getStatus() == MedicationRequest.MedicationRequestStatus.COMPLETED
					|| m.getStatus() == MedicationRequest.MedicationRequestStatus.STOPPED;
		}
		for (Procedure p : search(Procedure.class, patientIds)) {
			activeTreatment |= p.getStatus() == Procedure.ProcedureStatus.INPROGRESS;
			pastTreatment |= p.getStatus() == Procedure.ProcedureStatus.COMPLETED;
		}
		for (CarePlan c : search(CarePlan.class, patientIds)) {
			boolean isLifestyle = hasCode(c.getCategory(), lifestyleCategories);
			boolean active = c.getStatus() == CarePlan.CarePlanStatus.ACTIVE;
			if (isLifestyle) {
				lifestyle |= active;
			}
			else {
				activeTreatment |= active;
				pastTreatment |= c.getStatus() == CarePlan.CarePlanStatus.COMPLETED;
			}
		}
		for (Condition c : search(Condition.class, patientIds)) {
			chronic |= hasCode(c.getCategory(), chronicCategories) && hasCode(List.of(c.getClinicalStatus()), Set.of("active"));
		}
		return new JourneyFacts(planned, inProgress, finished, activeTreatment, pastTreatment, lifestyle, chronic);
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
