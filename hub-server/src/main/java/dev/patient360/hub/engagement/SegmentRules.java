package dev.patient360.hub.engagement;

import java.math.BigDecimal;
import java.util.EnumSet;
import java.util.Set;

import dev.patient360.profiles.Codes.Segment;

/**
 * Assigns the hub's segments from {@link SegmentFacts} and the value score (pure; thresholds from
 * {@link EngagementProperties.Segments}, shipped values in brackets; docs/engagement.md):
 * <ul>
 * <li>chronic-care: at least one active chronic condition, or membership of a chronic-care program</li>
 * <li>acute-episode: an encounter in the last [30] days and not chronic-care</li>
 * <li>preventive: adult [18+], not chronic-care, at most [1] encounter in 12 months</li>
 * <li>new: first record in the hub less than [90] days ago</li>
 * <li>at-risk-of-churn: no-show rate of at least [30 %] over [3] or more appointments, no contact
 * for more than [548] days after having had one, or [no active coverage]</li>
 * <li>high-value: value score of at least [70]</li>
 * </ul>
 */
final class SegmentRules {

	private final EngagementProperties.Segments t;

	SegmentRules(EngagementProperties.Segments thresholds) {
		this.t = thresholds;
	}

	Set<Segment> segmentsOf(SegmentFacts f, BigDecimal value) {
		Set<Segment> out = EnumSet.noneOf(Segment.class);
		boolean chronic = f.activeChronicConditions() > 0 || f.inChronicCareProgram();
		if (chronic) {
			out.add(Segment.CHRONIC_CARE);
		}
		if (!chronic && f.daysSinceLastEncounter() >= 0 && f.daysSinceLastEncounter() <= t.acuteDays()) {
			out.add(Segment.ACUTE_EPISODE);
		}
		if (!chronic && f.ageYears() >= t.adultAge() && f.encountersLast12Months() <= t.preventiveMaxEncounters()) {
			out.add(Segment.PREVENTIVE);
		}
		if (f.daysKnown() < t.newDays()) {
			out.add(Segment.NEW);
		}
		boolean unreliable = f.appointmentsLast12Months() >= t.churnMinAppointments()
				&& f.noShowRate() >= t.churnNoShowRate();
		boolean lapsed = f.daysSinceLastContact() > t.churnLapsedDays();
		if (unreliable || lapsed || (t.churnWithoutCoverage() && !f.activeCoverage())) {
			out.add(Segment.AT_RISK_OF_CHURN);
		}
		if (value.compareTo(BigDecimal.valueOf(t.highValue())) >= 0) {
			out.add(Segment.HIGH_VALUE);
		}
		return out;
	}
}
