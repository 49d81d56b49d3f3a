package dev.patient360.hub.engagement;

/**
 * What segment and value rules look at for one person.
 *
 * @param ageYears age in whole years, or -1 when the birth date is unknown
 * @param activeChronicConditions active Conditions in the chronic categories
 * @param encountersLast12Months Encounters that started in the last 12 months
 * @param daysSinceLastEncounter days since the latest Encounter started, or -1 when there is none
 * @param appointmentsLast12Months Appointments (any status but proposed/entered-in-error) in the last 12 months
 * @param noShowsLast12Months of those, {@code noshow}
 * @param activeCoverage an active Coverage
 * @param daysKnown days since the person's first record in the hub
 */
record SegmentFacts(int ageYears, int activeChronicConditions, int encountersLast12Months,
		int daysSinceLastEncounter, int appointmentsLast12Months, int noShowsLast12Months,
		boolean activeCoverage, int daysKnown) {

	double noShowRate() {
		return appointmentsLast12Months == 0 ? 0 : (double) noShowsLast12Months / appointmentsLast12Months;
	}
}
