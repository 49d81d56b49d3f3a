package dev.patient360.hub.engagement;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Set;
import java.util.stream.Stream;

import dev.patient360.profiles.Codes.Segment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SegmentRulesTest {

	/** facts: age, chronic, encounters12m, daysSinceEncounter, appointments12m, noShows12m, coverage, daysKnown. */
	static Stream<Arguments> scenarios() {
		return Stream.of(
				Arguments.of("diabetic seen often, reliable, covered, long known",
						new SegmentFacts(60, 2, 6, 10, 6, 0, true, 3000),
						Set.of(Segment.CHRONIC_CARE, Segment.HIGH_VALUE)),
				Arguments.of("healthy adult with a yearly check-up",
						new SegmentFacts(35, 0, 1, 200, 1, 0, true, 2000),
						Set.of(Segment.PREVENTIVE)),
				Arguments.of("new patient after an accident last week",
						new SegmentFacts(25, 0, 2, 7, 2, 0, true, 10),
						Set.of(Segment.ACUTE_EPISODE, Segment.NEW)),
				Arguments.of("misses appointments",
						new SegmentFacts(40, 0, 3, 60, 5, 2, true, 1000),
						Set.of(Segment.AT_RISK_OF_CHURN)),
				Arguments.of("not seen for two years",
						new SegmentFacts(50, 0, 0, 730, 0, 0, true, 3000),
						Set.of(Segment.PREVENTIVE, Segment.AT_RISK_OF_CHURN)),
				Arguments.of("no coverage",
						new SegmentFacts(30, 0, 2, 100, 2, 0, false, 500),
						Set.of(Segment.AT_RISK_OF_CHURN)),
				Arguments.of("child without encounters is not preventive",
						new SegmentFacts(8, 0, 0, -1, 0, 0, true, 400),
						Set.of()));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("scenarios")
	void assignsSegmentsByRule(String scenario, SegmentFacts facts, Set<Segment> expected) {
		assertThat(SegmentRules.segmentsOf(facts, ValueScore.of(facts))).containsExactlyInAnyOrderElementsOf(expected);
	}

	@Test
	void valueScoreAddsItsFiveDocumentedParts() {
		assertThat(ValueScore.of(new SegmentFacts(60, 2, 6, 10, 6, 0, true, 3000))).isEqualByComparingTo("100");
		assertThat(ValueScore.of(new SegmentFacts(30, 0, 0, -1, 0, 0, false, 0))).isEqualByComparingTo("10");
		// 3/6*30 + (1-2/4)*20 + 20 + 1/2*15 + 1/5*15
		assertThat(ValueScore.of(new SegmentFacts(30, 1, 3, 5, 4, 2, true, 365))).isEqualByComparingTo("55.5");
	}

	@Test
	void valueScoreStaysWithinZeroToHundred() {
		SegmentFacts extreme = new SegmentFacts(99, 50, 500, 0, 500, 0, true, 100_000);
		assertThat(ValueScore.of(extreme)).isEqualByComparingTo(BigDecimal.valueOf(100));
		assertThat(ValueScore.of(new SegmentFacts(-1, 0, 0, -1, 10, 10, false, -5))).isEqualByComparingTo("0");
	}
}
