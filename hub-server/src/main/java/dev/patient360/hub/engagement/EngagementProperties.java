package dev.patient360.hub.engagement;

import java.util.List;

import dev.patient360.profiles.Codes.JourneyStage;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The engagement engine (docs/engagement.md).
 *
 * @param enabled recompute journey stage, segments and value when relevant resources change
 *     ({@code HUB_ENGAGEMENT_ENABLED})
 * @param journeyOrder the order in which stage conditions are tried, first match wins
 *     ({@code HUB_ENGAGEMENT_JOURNEY_ORDER}, enum names, comma-separated); empty = the shipped order
 *     treatment, care, behaviour-change, ongoing-care, help-seeking, awareness
 * @param lifestyleCarePlanCategories CarePlan category codes (any system) that make a plan a
 *     lifestyle/goal plan rather than treatment ({@code HUB_ENGAGEMENT_LIFESTYLE_CATEGORIES})
 * @param chronicConditionCategories Condition category codes (any system) whose active Conditions
 *     count as chronic condition management ({@code HUB_ENGAGEMENT_CHRONIC_CATEGORIES})
 * @param programCarePlanCategories CarePlan category codes (any system) of chronic-care programs
 *     ({@code HUB_ENGAGEMENT_PROGRAM_CAREPLAN_CATEGORIES})
 * @param programGroupCodes Group.code codes (any system) of chronic-care program Groups; a person
 *     listed as an active member is in a program ({@code HUB_ENGAGEMENT_PROGRAM_GROUP_CODES})
 * @param recomputeOnRuleChange run the catch-up batch at start when the rules differ from those of
 *     the last completed run, or resume an interrupted run ({@code HUB_ENGAGEMENT_RECOMPUTE_ON_RULE_CHANGE})
 * @param recomputeBatchSize Patients per transaction in the catch-up batch
 *     ({@code HUB_ENGAGEMENT_RECOMPUTE_BATCH_SIZE})
 * @param groupFlushIntervalMillis how often recorded segment changes are applied to the segment
 *     Groups ({@code HUB_ENGAGEMENT_GROUP_FLUSH_INTERVAL_MS})
 * @param segments thresholds of the segment rules
 * @param value weights of the value score
 */
@Validated
@ConfigurationProperties("hub.engagement")
public record EngagementProperties(
		@DefaultValue("true") boolean enabled,
		@DefaultValue("") List<JourneyStage> journeyOrder,
		@DefaultValue({"lifestyle", "behaviour-change", "goal"}) List<String> lifestyleCarePlanCategories,
		@DefaultValue("problem-list-item") List<String> chronicConditionCategories,
		@DefaultValue({"chronic-care-program", "698360004", "412776001", "699728000"}) List<String> programCarePlanCategories,
		@DefaultValue("chronic-care-program") List<String> programGroupCodes,
		@DefaultValue("true") boolean recomputeOnRuleChange,
		@DefaultValue("200") @Min(1) @Max(5000) int recomputeBatchSize,
		@DefaultValue("2000") @Min(100) long groupFlushIntervalMillis,
		@DefaultValue @Valid @NotNull Segments segments,
		@DefaultValue @Valid @NotNull Value value) {

	/**
	 * Thresholds of the segment rules ({@code hub.engagement.segments.*}).
	 *
	 * @param newDays a person first recorded fewer days ago is {@code new} ({@code HUB_ENGAGEMENT_SEGMENT_NEW_DAYS})
	 * @param acuteDays an encounter at most this many days ago (and no chronic condition) is an
	 *     {@code acute-episode} ({@code HUB_ENGAGEMENT_SEGMENT_ACUTE_DAYS})
	 * @param adultAge minimum age of {@code preventive} ({@code HUB_ENGAGEMENT_SEGMENT_ADULT_AGE})
	 * @param preventiveMaxEncounters at most this many encounters in 12 months for {@code preventive}
	 *     ({@code HUB_ENGAGEMENT_SEGMENT_PREVENTIVE_MAX_ENCOUNTERS})
	 * @param churnNoShowRate a no-show rate at least this high (0..1) ... ({@code HUB_ENGAGEMENT_SEGMENT_CHURN_NO_SHOW_RATE})
	 * @param churnMinAppointments ... over at least this many appointments in 12 months makes
	 *     {@code at-risk-of-churn} ({@code HUB_ENGAGEMENT_SEGMENT_CHURN_MIN_APPOINTMENTS})
	 * @param churnLapsedDays no contact (encounter or communication sent) for more days than this,
	 *     after having had one, makes {@code at-risk-of-churn} ({@code HUB_ENGAGEMENT_SEGMENT_CHURN_LAPSED_DAYS})
	 * @param churnWithoutCoverage no active Coverage makes {@code at-risk-of-churn}
	 *     ({@code HUB_ENGAGEMENT_SEGMENT_CHURN_WITHOUT_COVERAGE})
	 * @param highValue a value score at least this high is {@code high-value} ({@code HUB_ENGAGEMENT_SEGMENT_HIGH_VALUE})
	 */
	public record Segments(
			@DefaultValue("90") @Min(0) int newDays,
			@DefaultValue("30") @Min(0) int acuteDays,
			@DefaultValue("18") @Min(0) int adultAge,
			@DefaultValue("1") @Min(0) int preventiveMaxEncounters,
			@DefaultValue("0.3") @DecimalMin("0") @DecimalMax("1") double churnNoShowRate,
			@DefaultValue("3") @Min(1) int churnMinAppointments,
			@DefaultValue("548") @Min(1) int churnLapsedDays,
			@DefaultValue("true") boolean churnWithoutCoverage,
			@DefaultValue("70") @DecimalMin("0") @DecimalMax("100") double highValue) {
	}

	/**
	 * Weights (maximum points) of the value score's parts ({@code hub.engagement.value.*}); the score
	 * is their sum, capped at 100.
	 *
	 * @param frequency points for encounters in the last 12 months, full at {@code frequencyFull}
	 *     ({@code HUB_ENGAGEMENT_VALUE_FREQUENCY})
	 * @param frequencyFull encounters in 12 months worth full points ({@code HUB_ENGAGEMENT_VALUE_FREQUENCY_FULL})
	 * @param recency points for a recent encounter: full up to 90 days, none after 365
	 *     ({@code HUB_ENGAGEMENT_VALUE_RECENCY})
	 * @param reliability points × (1 − no-show rate); half without appointments ({@code HUB_ENGAGEMENT_VALUE_RELIABILITY})
	 * @param program points for membership of a chronic-care program ({@code HUB_ENGAGEMENT_VALUE_PROGRAM})
	 * @param billing points for ChargeItems and Claims in 12 months, full at {@code billingFull}
	 *     ({@code HUB_ENGAGEMENT_VALUE_BILLING})
	 * @param billingFull billing records in 12 months worth full points ({@code HUB_ENGAGEMENT_VALUE_BILLING_FULL})
	 * @param response points × response rate to communications sent in 12 months; half without any
	 *     ({@code HUB_ENGAGEMENT_VALUE_RESPONSE})
	 * @param coverage points for an active Coverage ({@code HUB_ENGAGEMENT_VALUE_COVERAGE})
	 */
	public record Value(
			@DefaultValue("20") @Min(0) @Max(100) int frequency,
			@DefaultValue("6") @Min(1) int frequencyFull,
			@DefaultValue("15") @Min(0) @Max(100) int recency,
			@DefaultValue("15") @Min(0) @Max(100) int reliability,
			@DefaultValue("15") @Min(0) @Max(100) int program,
			@DefaultValue("15") @Min(0) @Max(100) int billing,
			@DefaultValue("10") @Min(1) int billingFull,
			@DefaultValue("10") @Min(0) @Max(100) int response,
			@DefaultValue("10") @Min(0) @Max(100) int coverage) {
	}
}
