package dev.patient360.hub.engagement;

import java.util.List;

import dev.patient360.profiles.Codes.JourneyStage;

/**
 * Derives a journey stage from {@link JourneyFacts}. Each stage has one fixed condition; the order
 * in which they are tried is configuration ({@code hub.engagement.journey.order}): the first stage
 * whose condition holds wins, {@code awareness} (a known person with nothing else) when none does.
 *
 * <ul>
 * <li>treatment: active treatment</li>
 * <li>care: an encounter in progress</li>
 * <li>behaviour-change: an active lifestyle plan after treatment (past or current)</li>
 * <li>ongoing-care: an active chronic condition, or an appointment planned after a finished encounter
 * (follow-up)</li>
 * <li>help-seeking: an appointment planned</li>
 * <li>awareness: always</li>
 * </ul>
 */
final class JourneyStageRules {

	static final List<JourneyStage> DEFAULT_ORDER = List.of(JourneyStage.TREATMENT, JourneyStage.CARE,
			JourneyStage.BEHAVIOUR_CHANGE, JourneyStage.ONGOING_CARE, JourneyStage.HELP_SEEKING,
			JourneyStage.AWARENESS);

	private final List<JourneyStage> order;

	JourneyStageRules(List<JourneyStage> order) {
		this.order = order.isEmpty() ? DEFAULT_ORDER : List.copyOf(order);
	}

	JourneyStage stageOf(JourneyFacts f) {
		for (JourneyStage stage : order) {
			if (holds(stage, f)) {
				return stage;
			}
		}
		return JourneyStage.AWARENESS;
	}

	static boolean holds(JourneyStage stage, JourneyFacts f) {
		return switch (stage) {
			case TREATMENT -> f.activeTreatment();
			case CARE -> f.encounterInProgress();
			case BEHAVIOUR_CHANGE -> f.activeLifestylePlan() && (f.pastTreatment() || f.activeTreatment());
			case ONGOING_CARE -> f.activeChronicCondition() || (f.appointmentPlanned() && f.encounterFinished());
			case HELP_SEEKING -> f.appointmentPlanned();
			case AWARENESS -> true;
		};
	}
}
