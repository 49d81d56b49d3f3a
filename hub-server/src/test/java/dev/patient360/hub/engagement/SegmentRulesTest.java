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

	static final EngagementProperties.Segments THRESHOLDS = new EngagementProperties.Segments(90, 30, 18, 1, 0.3, 3, 548, true, 70);
	static final EngagementProperties.Value WEIGHTS = new EngagementProperties.Value(20, 6, 15, 15, 15, 15, 10, 10, 10);
	static final SegmentRules RULES = new SegmentRules(THRESHOLDS);
	static final ValueScore VALUE = new ValueScore(WEIGHTS);

	/**
	 * facts: age, chronic, encounters12m, daysSinceEncounter, appointments12m, noShows12m, coverage,
	 * daysKnown, program, billing12m, sent12m, responded12m, daysSinceContact.
	 */
	static Stream<Arguments> scenarios() {
		return Stream.of(
				Arguments.of("diabetic in a program, seen often, reliable, covered, billed, responsive",
						new SegmentFacts(60, 2, 6, 10, 6, 0, true, 3000, true, 10, 4, 4, 2),
						Set.of(Segment.CHRONIC_CARE, Segment.HIGH_VALUE)),
				Arguments.of("program member without a coded chronic condition is chronic-care",
						new SegmentFacts(45, 0, 2, 100, 2, 0, true, 800, true, 2, 0, 0, 100),
						Set.of(Segment.CHRONIC_CARE)),
				Arguments.of("healthy adult with a yearly check-up",
						new SegmentFacts(35, 0, 1, 200, 1, 0, true, 2000, false, 1, 1, 1, 150),
						Set.of(Segment.PREVENTIVE)),
				Arguments.of("new patient after an accident last week",
						new SegmentFacts(25, 0, 2, 7, 2, 0, true, 10, false, 2, 0, 0, 7),
						Set.of(Segment.ACUTE_EPISODE, Segment.NEW)),
				Arguments.of("misses appointments",
						new SegmentFacts(40, 0, 3, 60, 5, 2, true, 1000, false, 3, 0, 0, 60),
						Set.of(Segment.AT_RISK_OF_CHURN)),
				Arguments.of("not seen nor contacted for two years",
						new SegmentFacts(50, 0, 0, 730, 0, 0, true, 3000, false, 0, 0, 0, 730),
						Set.of(Segment.PREVENTIVE, Segment.AT_RISK_OF_CHURN)),
				Arguments.of("not seen for two years but contacted last month is not lapsed",
						new SegmentFacts(50, 0, 0, 730, 0, 0, true, 3000, false, 0, 1, 0, 30),
						Set.of(Segment.PREVENTIVE)),
				Arguments.of("no coverage",
						new SegmentFacts(30, 0, 2, 100, 2, 0, false, 500, false, 0, 0, 0, 100),
						Set.of(Segment.AT_RISK_OF_CHURN)),
				Arguments.of("child without encounters is not preventive",
						new SegmentFacts(8, 0, 0, -1, 0, 0, true, 400, false, 0, 0, 0, -1),
						Set.of()));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("scenarios")
	void assignsSegmentsByRule(String scenario, SegmentFacts facts, Set<Segment> expected) {
		assertThat(RULES.segmentsOf(facts, VALUE.of(facts))).containsExactlyInAnyOrderElementsOf(expected);
	}

	/** A person's history, step by step: each step's facts and the segments that follow. */
	@Test
	void segmentsFollowAPersonsHistory() {
		SegmentFacts registered = new SegmentFacts(40, 0, 0, -1, 0, 0, true, 1, false, 0, 0, 0, -1);
		SegmentFacts firstVisit = new SegmentFacts(40, 0, 1, 0, 1, 0, true, 5, false, 1, 0, 0, 0);
		SegmentFacts diagnosed = new SegmentFacts(40, 1, 2, 0, 2, 0, true, 20, false, 2, 0, 0, 0);
		SegmentFacts coverageEnded = new SegmentFacts(40, 1, 2, 40, 2, 0, false, 60, false, 2, 0, 0, 40);
		SegmentFacts resolvedYearsLater = new SegmentFacts(43, 0, 0, 800, 0, 0, true, 1200, false, 0, 0, 0, 800);
		assertThat(RULES.segmentsOf(registered, VALUE.of(registered))).containsExactlyInAnyOrder(Segment.NEW, Segment.PREVENTIVE);
		assertThat(RULES.segmentsOf(firstVisit, VALUE.of(firstVisit)))
				.containsExactlyInAnyOrder(Segment.NEW, Segment.PREVENTIVE, Segment.ACUTE_EPISODE);
		assertThat(RULES.segmentsOf(diagnosed, VALUE.of(diagnosed))).containsExactlyInAnyOrder(Segment.NEW, Segment.CHRONIC_CARE);
		assertThat(RULES.segmentsOf(coverageEnded, VALUE.of(coverageEnded)))
				.containsExactlyInAnyOrder(Segment.NEW, Segment.CHRONIC_CARE, Segment.AT_RISK_OF_CHURN);
		assertThat(RULES.segmentsOf(resolvedYearsLater, VALUE.of(resolvedYearsLater)))
				.containsExactlyInAnyOrder(Segment.PREVENTIVE, Segment.AT_RISK_OF_CHURN);
	}

	@Test
	void changedThresholdsChangeTheSegments() {
		SegmentFacts facts = new SegmentFacts(30, 0, 2, 100, 2, 0, false, 500, false, 0, 0, 0, 100);
		SegmentRules coverageNotRequired = new SegmentRules(new EngagementProperties.Segments(90, 30, 18, 1, 0.3, 3, 548, false, 70));
		assertThat(coverageNotRequired.segmentsOf(facts, VALUE.of(facts))).isEmpty();
		SegmentRules lowBar = new SegmentRules(new EngagementProperties.Segments(90, 30, 18, 1, 0.3, 3, 548, true, 20));
		assertThat(lowBar.segmentsOf(facts, VALUE.of(facts))).contains(Segment.HIGH_VALUE);
	}

	@Test
	void valueScoreAddsItsSevenDocumentedParts() {
		assertThat(VALUE.of(new SegmentFacts(60, 2, 6, 10, 6, 0, true, 3000, true, 10, 4, 4, 2))).isEqualByComparingTo("100");
		// nothing known: half reliability (7.5) and half response (5)
		assertThat(VALUE.of(new SegmentFacts(30, 0, 0, -1, 0, 0, false, 0, false, 0, 0, 0, -1))).isEqualByComparingTo("12.5");
		// 3/6*20 + (365-200)/275*15 + (1-2/4)*15 + 0 + 5/10*15 + 1/4*10 + 10 = 10 + 9 + 7.5 + 7.5 + 2.5 + 10
		SegmentFacts mixed = new SegmentFacts(30, 1, 3, 200, 4, 2, true, 365, false, 5, 4, 1, 20);
		assertThat(VALUE.of(mixed)).isEqualByComparingTo("46.5");
		assertThat(VALUE.parts(mixed)).containsEntry("frequency", 10.0).containsEntry("recency", 9.0)
				.containsEntry("reliability", 7.5).containsEntry("program", 0.0).containsEntry("billing", 7.5)
				.containsEntry("response", 2.5).containsEntry("coverage", 10.0);
	}

	@Test
	void valueScoreStaysWithinZeroToHundred() {
		SegmentFacts extreme = new SegmentFacts(99, 50, 500, 0, 500, 0, true, 100_000, true, 900, 50, 50, 0);
		assertThat(VALUE.of(extreme)).isEqualByComparingTo(BigDecimal.valueOf(100));
		ValueScore heavy = new ValueScore(new EngagementProperties.Value(100, 1, 100, 100, 100, 100, 1, 100, 100));
		assertThat(heavy.of(extreme)).isEqualByComparingTo(BigDecimal.valueOf(100));
		assertThat(VALUE.of(new SegmentFacts(-1, 0, 0, -1, 10, 10, false, -5, false, 0, 5, 0, -1))).isEqualByComparingTo("0");
	}
}
