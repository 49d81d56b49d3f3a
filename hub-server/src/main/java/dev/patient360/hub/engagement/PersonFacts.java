package dev.patient360.hub.engagement;

/** Everything the engine's rules look at for one person. */
record PersonFacts(JourneyFacts journey, SegmentFacts segment) {
}
