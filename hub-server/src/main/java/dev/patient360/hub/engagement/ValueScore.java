package dev.patient360.hub.engagement;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The relationship value score (0–100, method {@code relationship-value}): the sum of seven parts,
 * each weighted by configuration ({@link EngagementProperties.Value}; docs/engagement.md):
 * <ul>
 * <li>frequency: encounters in the last 12 months / frequency-full (at most 1) × weight</li>
 * <li>recency: full weight for an encounter up to 90 days ago, falling linearly to 0 at 365 days</li>
 * <li>reliability: (1 − no-show rate) × weight; half the weight without appointments</li>
 * <li>program: the weight when the person is in a chronic-care program</li>
 * <li>billing: ChargeItems and Claims in 12 months / billing-full (at most 1) × weight</li>
 * <li>response: response rate to communications × weight; half the weight without communications</li>
 * <li>coverage: the weight for an active Coverage</li>
 * </ul>
 */
final class ValueScore {

	private final EngagementProperties.Value weights;

	ValueScore(EngagementProperties.Value weights) {
		this.weights = weights;
	}

	BigDecimal of(SegmentFacts f) {
		double sum = parts(f).values().stream().mapToDouble(Double::doubleValue).sum();
		return round(Math.max(0, Math.min(100, sum)));
	}

	/** Each part's points, by name, in the documented order (the summary shows them as the value's inputs). */
	Map<String, Double> parts(SegmentFacts f) {
		Map<String, Double> parts = new LinkedHashMap<>();
		parts.put("frequency", ratio(f.encountersLast12Months(), weights.frequencyFull()) * weights.frequency());
		parts.put("recency", recency(f.daysSinceLastEncounter()) * weights.recency());
		parts.put("reliability", (f.appointmentsLast12Months() == 0 ? 0.5 : 1 - f.noShowRate()) * weights.reliability());
		parts.put("program", f.inChronicCareProgram() ? weights.program() : 0.0);
		parts.put("billing", ratio(f.billingLast12Months(), weights.billingFull()) * weights.billing());
		parts.put("response", (f.communicationsSentLast12Months() == 0 ? 0.5 : f.responseRate()) * weights.response());
		parts.put("coverage", f.activeCoverage() ? weights.coverage() : 0.0);
		parts.replaceAll((k, v) -> round(v).doubleValue());
		return parts;
	}

	private static double ratio(int count, int full) {
		return Math.min(Math.max(count, 0), full) / (double) full;
	}

	private static double recency(int days) {
		if (days < 0) {
			return 0;
		}
		if (days <= 90) {
			return 1;
		}
		return days >= 365 ? 0 : (365 - days) / 275.0;
	}

	private static BigDecimal round(double v) {
		return BigDecimal.valueOf(v).setScale(1, RoundingMode.HALF_UP);
	}
}
