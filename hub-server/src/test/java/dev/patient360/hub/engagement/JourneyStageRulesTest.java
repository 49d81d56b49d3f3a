package dev.patient360.hub.engagement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import dev.patient360.profiles.Codes.JourneyStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JourneyStageRulesTest {

	private final JourneyStageRules rules = new JourneyStageRules(List.of());

	/** facts: planned, inProgress, finished, activeTreatment, pastTreatment, lifestyle, chronic. */
	static Stream<Arguments> scenarios() {
		return Stream.of(
				Arguments.of("first contact, nothing else", facts(0, 0, 0, 0, 0, 0, 0), JourneyStage.AWARENESS),
				Arguments.of("appointment booked, never seen", facts(1, 0, 0, 0, 0, 0, 0), JourneyStage.HELP_SEEKING),
				Arguments.of("encounter in progress", facts(1, 1, 0, 0, 0, 0, 0), JourneyStage.CARE),
				Arguments.of("medication started during the encounter", facts(0, 1, 0, 1, 0, 0, 0), JourneyStage.TREATMENT),
				Arguments.of("treatment ongoing after the encounter", facts(0, 0, 1, 1, 0, 0, 0), JourneyStage.TREATMENT),
				Arguments.of("lifestyle plan after finished treatment", facts(0, 0, 1, 0, 1, 1, 0), JourneyStage.BEHAVIOUR_CHANGE),
				Arguments.of("lifestyle plan without any treatment is not behaviour change", facts(0, 0, 0, 0, 0, 1, 0), JourneyStage.AWARENESS),
				Arguments.of("follow-up booked after a finished encounter", facts(1, 0, 1, 0, 1, 0, 0), JourneyStage.ONGOING_CARE),
				Arguments.of("chronic condition managed", facts(0, 0, 1, 0, 0, 0, 1), JourneyStage.ONGOING_CARE),
				Arguments.of("chronic patient back in an encounter", facts(0, 1, 1, 0, 0, 0, 1), JourneyStage.CARE),
				Arguments.of("finished encounter, nothing planned", facts(0, 0, 1, 0, 0, 0, 0), JourneyStage.AWARENESS));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("scenarios")
	void derivesTheStageFromTheFacts(String scenario, JourneyFacts facts, JourneyStage expected) {
		assertThat(rules.stageOf(facts)).isEqualTo(expected);
	}

	@Test
	void transitionsFollowTheRecordAsItGrows() {
		JourneyFacts booked = facts(1, 0, 0, 0, 0, 0, 0);
		JourneyFacts inCare = facts(0, 1, 0, 0, 0, 0, 0);
		JourneyFacts treated = facts(0, 1, 0, 1, 0, 0, 0);
		JourneyFacts afterTreatment = facts(0, 0, 1, 0, 1, 1, 0);
		JourneyFacts followUp = facts(1, 0, 1, 0, 1, 0, 0);
		assertThat(Stream.of(JourneyFacts.NONE, booked, inCare, treated, afterTreatment, followUp).map(rules::stageOf))
				.containsExactly(JourneyStage.AWARENESS, JourneyStage.HELP_SEEKING, JourneyStage.CARE,
						JourneyStage.TREATMENT, JourneyStage.BEHAVIOUR_CHANGE, JourneyStage.ONGOING_CARE);
	}

	@Test
	void aConfiguredOrderChangesWhichConditionWins() {
		JourneyStageRules careFirst = new JourneyStageRules(List.of(JourneyStage.CARE, JourneyStage.TREATMENT));
		assertThat(careFirst.stageOf(facts(0, 1, 0, 1, 0, 0, 0))).isEqualTo(JourneyStage.CARE);
		assertThat(careFirst.stageOf(facts(1, 0, 0, 0, 0, 0, 0))).isEqualTo(JourneyStage.AWARENESS);
	}

	private static JourneyFacts facts(int planned, int inProgress, int finished, int activeTreatment,
			int pastTreatment, int lifestyle, int chronic) {
		return new JourneyFacts(planned == 1, inProgress == 1, finished == 1, activeTreatment == 1,
				pastTreatment == 1, lifestyle == 1, chronic == 1);
	}
}
