package dev.patient360.hub.engagement;

/**
 * What segment and value rules look at for one person (all records of the person, as of the
 * recompute; "12 months" are the 365 days before it).
 *
 * @param ageYears age in whole years, or -1 when the birth date is unknown
 * @param activeChronicConditions active Conditions in the chronic categories
 * @param encountersLast12Months Encounters that started in the last 12 months
 * @param daysSinceLastEncounter days since the latest Encounter started, or -1 when there is none
 * @param appointmentsLast12Months Appointments (any status but proposed, cancelled, entered-in-error)
 *     starting in the last 12 months or later
 * @param noShowsLast12Months of those, {@code noshow}
 * @param activeCoverage an active Coverage whose period (if any) includes today
 * @param daysKnown days since the person's first Patient record was stored in the hub
 * @param inChronicCareProgram an active CarePlan in a program category, or active membership of a
 *     program Group
 * @param billingLast12Months ChargeItems and Claims dated in the last 12 months
 * @param communicationsSentLast12Months Communications sent to the person in the last 12 months
 * @param communicationsRespondedLast12Months of those, opened, clicked or replied to
 * @param daysSinceLastContact days since the latest encounter or communication sent, or -1 when none
 */
record SegmentFacts(int ageYears, int activeChronicConditions, int encountersLast12Months,
		int daysSinceLastEncounter, int appointmentsLast12Months, int noShowsLast12Months,
		boolean activeCoverage, int daysKnown, boolean inChronicCareProgram, int billingLast12Months,
		int communicationsSentLast12Months, int communicationsRespondedLast12Months, int daysSinceLastContact) {

	double noShowRate() {
		return appointmentsLast12Months == 0 ? 0 : (double) noShowsLast12Months / appointmentsLast12Months;
	}

	double responseRate() {
		return communicationsSentLast12Months == 0 ? 0
				: (double) communicationsRespondedLast12Months / communicationsSentLast12Months;
	}
}
