package dev.patient360.hub.engagement;

/**
 * What the journey rules look at, collected from all records of one person (every source Patient
 * of a golden record, or the single Patient when the index links none).
 *
 * @param appointmentPlanned an Appointment proposed, pending or booked
 * @param encounterInProgress an Encounter arrived, triaged, in progress or on leave
 * @param encounterFinished an Encounter finished (the person has been in care before)
 * @param activeTreatment an active MedicationRequest, an in-progress Procedure or an active CarePlan
 *     that is not a lifestyle plan
 * @param pastTreatment a MedicationRequest, Procedure or non-lifestyle CarePlan that has ended
 * @param activeLifestylePlan an active CarePlan in one of the lifestyle categories
 * @param activeChronicCondition an active Condition in one of the chronic categories
 */
record JourneyFacts(boolean appointmentPlanned, boolean encounterInProgress, boolean encounterFinished,
		boolean activeTreatment, boolean pastTreatment, boolean activeLifestylePlan,
		boolean activeChronicCondition) {

	static final JourneyFacts NONE = new JourneyFacts(false, false, false, false, false, false, false);
}
