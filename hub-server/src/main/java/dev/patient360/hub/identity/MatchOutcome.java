package dev.patient360.hub.identity;

/**
 * The comparison of two Patients.
 *
 * @param result the verdict under the rules' thresholds
 * @param score the summed rule weights (log-odds-like; higher = more alike)
 * @param normalizedScore {@code score} mapped onto 0..1 against the highest reachable score, the
 *     scale HAPI MDM reports
 * @param deterministic whether a shared strong identifier decided it
 */
public record MatchOutcome(MatchResult result, double score, double normalizedScore, boolean deterministic) {
}
