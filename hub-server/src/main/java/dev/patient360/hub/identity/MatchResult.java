package dev.patient360.hub.identity;

/** The outcome of comparing two Patients, with HAPI MDM's names so outside tools read it as is. */
public enum MatchResult {
	MATCH, POSSIBLE_MATCH, NO_MATCH
}
