package dev.patient360.hub.identity;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.hl7.fhir.r4.model.Patient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Links source Patients to golden records. Runs inside the transaction that writes the source
 * Patient (docs/adr/0005-own-patient-index.md): the link commits with the write or not at all, and a
 * client that reads right after its write finds the golden record.
 */
public class PatientIndex {

	static final String AUTO = "AUTO";
	static final String MANUAL = "MANUAL";

	private static final Logger log = LoggerFactory.getLogger(PatientIndex.class);

	private final PatientMatcher matcher;
	private final PatientIndexStore store;
	private final GoldenRecords goldens;

	PatientIndex(PatientMatcher matcher, PatientIndexStore store, GoldenRecords goldens) {
		this.matcher = matcher;
		this.store = store;
		this.goldens = goldens;
	}

	PatientIndexStore store() {
		return store;
	}

	/** A source Patient was created or updated (inside the writing transaction). */
	void sourceWritten(Patient source) {
		String sourceId = "Patient/" + source.getIdElement().getIdPart();
		PatientFacts facts = PatientFacts.of(source, matcher.rules());
		store.lockForMatching();
		store.saveFacts(sourceId, facts);
		Optional<String> existing = store.goldenOf(sourceId);
		if (existing.isPresent()) {
			// A linked Patient stays with its person on update; stewards move it (merge/review).
			goldens.refresh(existing.get(), store.sourcesOf(existing.get()), source);
			return;
		}
		Map<String, MatchOutcome> bestPerGolden = new LinkedHashMap<>();
		for (PatientIndexStore.Candidate candidate : store.candidates(sourceId, facts.blockingKeys())) {
			if (store.isRejected(sourceId, candidate.goldenId())) {
				continue;
			}
			MatchOutcome outcome = matcher.compare(facts, candidate.facts());
			bestPerGolden.merge(candidate.goldenId(), outcome, (a, b) -> a.score() >= b.score() ? a : b);
		}
		Map.Entry<String, MatchOutcome> best = bestPerGolden.entrySet().stream()
				.filter(e -> e.getValue().result() == MatchResult.MATCH)
				.max(Map.Entry.comparingByValue(java.util.Comparator.comparingDouble(MatchOutcome::score)))
				.orElse(null);
		if (best != null) {
			MatchOutcome outcome = best.getValue();
			store.link(new PatientIndexStore.Link(sourceId, best.getKey(), MatchResult.MATCH, AUTO,
					outcome.normalizedScore(), outcome.deterministic(), false, 0, 0), "AUTO_LINK", null);
			goldens.refresh(best.getKey(), store.sourcesOf(best.getKey()), source);
			log.debug("patient index: {} linked to {} (score {})", sourceId, best.getKey(), outcome.score());
			return;
		}
		String golden = goldens.create(source);
		store.link(new PatientIndexStore.Link(sourceId, golden, MatchResult.MATCH, AUTO, 1.0, false, true, 0, 0),
				"NEW_GOLDEN", null);
		// Possible matches wait for a steward (the review queue); the Patient is its own person until then.
		bestPerGolden.forEach((goldenId, outcome) -> {
			if (outcome.result() == MatchResult.POSSIBLE_MATCH) {
				store.link(new PatientIndexStore.Link(sourceId, goldenId, MatchResult.POSSIBLE_MATCH, AUTO,
						outcome.normalizedScore(), false, false, 0, 0), "POSSIBLE_MATCH", null);
			}
		});
	}

	/** The golden record a source Patient belongs to, if indexed. */
	public Optional<String> goldenOf(String sourceId) {
		return store.goldenOf(sourceId);
	}

	/** The source Patients of a golden record. */
	public List<String> sourcesOf(String goldenId) {
		return store.sourcesOf(goldenId);
	}
}
