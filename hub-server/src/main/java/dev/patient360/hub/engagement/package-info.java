/**
 * The engagement engine: journey stages derived by {@link dev.patient360.hub.engagement.JourneyStageRules}
 * from a person's clinical record and written to the Patient's {@code engagement-journey-stage}
 * extension after the clinical write commits (docs/engagement.md). New rules go into the pure rules
 * class with a row in its table test; collecting facts is {@code EngagementFactsCollector}'s job; segments and value are {@code SegmentRules} and {@code ValueScore}, their Groups {@code SegmentGroups}.
 */
package dev.patient360.hub.engagement;
