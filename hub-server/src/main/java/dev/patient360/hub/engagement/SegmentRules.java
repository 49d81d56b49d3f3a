package dev.patient360.hub.engagement;

import java.math.BigDecimal;
import java.util.EnumSet;
import java.util.Set;

import dev.patient360.profiles.Codes.Segment;

/**
 * Assigns the hub's segments from {@link SegmentFacts} and the value score (pure; docs/engagement.md):
 * <ul>
 * <li>chronic-care: at least one active chronic condition</li>
 * <li>acute-episode: an encounter in the last 30 days and no chronic condition</li>
 * <li>preventive: adult (18+), no chronic condition, at most one encounter in 12 months</li>
 * <li>new: first record in the hub less than 90 days ago</li>
 * <li>at-risk-of-churn: no-show rate of at least 30 % over 3 or more appointments, no encounter for
 * more than 18 months after having had one, or no active coverage</li>
 * <li>high-value: value score of at least 70</li>
 * </ul>
 */
final class SegmentRules {

	static final BigDecimal HIGH_VALUE = BigDecimal.valueOf(70);

	private SegmentRules() {
	}

	static Set<Segment> segmentsOf(SegmentFacts f, BigDecimal value) {
		Set<Segment> out = EnumSet.noneOf(Segment.class);
		boolean chronic = f.activeChronicConditions() > 0;
		if (chronic) {
			out.add(Segment.CHRONIC_CARE);
		}
		if (!chronic && f.daysSinceLastEncounter() >= 0 && f.daysSinceLastEncounter() <= 30) {
			out.add(Segment.ACUTE_EPISODE);
		}
		if (!chronic && f.ageYears() >= 18 && f.encountersLast12Months() <= 1) {
			out.add(Segment.PREVENTIVE);
		}
		if (f.daysKnown() < 90) {
			out.add(Segment.NEW);
		}
		boolean unreliable = f.appointmentsLast12Months() >= 3 && f.noShowRate() >= 0.3;
		boolean lapsed = f.daysSinceLastEncounter() > 548;
		if (unreliable || lapsed || !f.activeCoverage()) {
			out.add(Segment.AT_RISK_OF_CHURN);
		}
		if (value.compareTo(HIGH_VALUE) >= 0) {
			out.add(Segment.HIGH_VALUE);
		}
		return out;
	}
}
