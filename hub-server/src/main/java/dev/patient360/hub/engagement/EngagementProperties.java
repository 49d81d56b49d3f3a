package dev.patient360.hub.engagement;

import java.util.List;

import dev.patient360.profiles.Codes.JourneyStage;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The engagement engine (docs/engagement.md).
 *
 * @param enabled recompute journey stages when clinical resources change ({@code HUB_ENGAGEMENT_ENABLED})
 * @param journeyOrder the order in which stage conditions are tried, first match wins
 *     ({@code HUB_ENGAGEMENT_JOURNEY_ORDER}, enum names, comma-separated); empty = the shipped order
 *     treatment, care, behaviour-change, ongoing-care, help-seeking, awareness
 * @param lifestyleCarePlanCategories CarePlan category codes (any system) that make a plan a
 *     lifestyle/goal plan rather than treatment ({@code HUB_ENGAGEMENT_LIFESTYLE_CATEGORIES})
 * @param chronicConditionCategories Condition category codes (any system) whose active Conditions
 *     count as chronic condition management ({@code HUB_ENGAGEMENT_CHRONIC_CATEGORIES})
 */
@Validated
@ConfigurationProperties("hub.engagement")
public record EngagementProperties(
		@DefaultValue("true") boolean enabled,
		@DefaultValue("") List<JourneyStage> journeyOrder,
		@DefaultValue({"lifestyle", "behaviour-change", "goal"}) List<String> lifestyleCarePlanCategories,
		@DefaultValue("problem-list-item") List<String> chronicConditionCategories) {
}
