package dev.patient360.hub.engagement;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The relationship value score (0–100, method {@code relationship-value}), a sum of five documented
 * parts (docs/engagement.md):
 * <ul>
 * <li>contact frequency, up to 30: encounters in the last 12 months, 6 or more = 30</li>
 * <li>reliability, up to 20: (1 − no-show rate) × 20; 10 when there were no appointments</li>
 * <li>coverage, 20: an active Coverage</li>
 * <li>long-term care, up to 15: active chronic conditions, 2 or more = 15</li>
 * <li>tenure, up to 15: years known, 5 or more = 15</li>
 * </ul>
 */
final class ValueScore {

	private ValueScore() {
	}

	static BigDecimal of(SegmentFacts f) {
		double frequency = Math.min(f.encountersLast12Months(), 6) / 6.0 * 30;
		double reliability = f.appointmentsLast12Months() == 0 ? 10 : (1 - f.noShowRate()) * 20;
		double coverage = f.activeCoverage() ? 20 : 0;
		double chronic = Math.min(f.activeChronicConditions(), 2) / 2.0 * 15;
		double tenure = Math.min(Math.max(f.daysKnown(), 0) / 365.0, 5) / 5.0 * 15;
		double score = Math.max(0, Math.min(100, frequency + reliability + coverage + chronic + tenure));
		return BigDecimal.valueOf(score).setScale(1, RoundingMode.HALF_UP);
	}
}
