package dev.patient360.hub.identity;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;

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
	private final IndexProvenance provenance;

	PatientIndex(PatientMatcher matcher, PatientIndexStore store, GoldenRecords goldens, IndexProvenance provenance) {
		this.matcher = matcher;
		this.store = store;
		this.goldens = goldens;
		this.provenance = provenance;
	}

	PatientIndexStore store() {
		return store;
	}

	/** A source Patient was created or updated (inside the writing transaction). */
	void sourceWritten(Patient source) {
		String sourceId = "Patient/" + source.getIdElement().getIdPart();
		PatientFacts facts = PatientFacts.of(source, matcher.rules());
		Set<String> keys = new java.util.TreeSet<>(facts.blockingKeys());
		// An update may drop keys it was found by: its old keys are locked too.
		store.facts(sourceId).ifPresent(old -> keys.addAll(old.blockingKeys()));
		store.lockForMatching(keys);
		store.saveFacts(sourceId, facts);
		Optional<String> existing = store.goldenOf(sourceId);
		if (existing.isPresent()) {
			store.lockGolden(existing.get());
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
			store.lockGolden(best.getKey());
			store.link(new PatientIndexStore.Link(sourceId, best.getKey(), MatchResult.MATCH, AUTO,
					outcome.normalizedScore(), outcome.deterministic(), false, 0, 0), "AUTO_LINK", null);
			goldens.refresh(best.getKey(), store.sourcesOf(best.getKey()), source);
			provenance.record("AUTO_LINK", List.of(best.getKey()), List.of(sourceId), null,
					IndexProvenance.score(MatchResult.MATCH, outcome.normalizedScore(), AUTO)
							+ (outcome.deterministic() ? ", same strong identifier" : ""));
			log.debug("patient index: {} linked to {} (score {})", sourceId, best.getKey(), outcome.score());
			return;
		}
		String golden = goldens.create(source);
		store.link(new PatientIndexStore.Link(sourceId, golden, MatchResult.MATCH, AUTO, 1.0, false, true, 0, 0),
				"NEW_GOLDEN", null);
		provenance.record("NEW_GOLDEN", List.of(golden), List.of(sourceId), null, "no golden record matched");
		// Possible matches wait for a steward (the review queue); the Patient is its own person until then.
		bestPerGolden.forEach((goldenId, outcome) -> {
			if (outcome.result() == MatchResult.POSSIBLE_MATCH) {
				store.link(new PatientIndexStore.Link(sourceId, goldenId, MatchResult.POSSIBLE_MATCH, AUTO,
						outcome.normalizedScore(), false, false, 0, 0), "POSSIBLE_MATCH", null);
				provenance.record("POSSIBLE_MATCH", List.of(goldenId), List.of(sourceId), null,
						IndexProvenance.score(MatchResult.POSSIBLE_MATCH, outcome.normalizedScore(), AUTO));
			}
		});
	}

	/**
	 * Moves every source of golden record {@code from} to {@code to} (MANUAL links) and retires
	 * {@code from}. Returns the merge's tag in the link history, by which it can be undone.
	 */
	String mergeGoldens(String from, String to, String why) {
		store.lockForMatching();
		requireGolden(from);
		requireGolden(to);
		if (from.equals(to)) {
			throw new IllegalArgumentException("a golden record cannot be merged into itself");
		}
		String tag = "merge " + System.currentTimeMillis() + " " + from + " -> " + to + (why == null ? "" : " (" + why + ")");
		List<String> moved = store.sourcesOf(from);
		for (String sourceId : moved) {
			PatientIndexStore.Link before = store.link(sourceId, from).orElseThrow();
			store.unlink(before, "MERGE_OUT", tag);
			store.link(new PatientIndexStore.Link(sourceId, to, MatchResult.MATCH, MANUAL, before.score(),
					before.eidMatch(), false, 0, 0), "MERGE_IN", tag);
		}
		goldens.retire(from, to);
		goldens.refresh(to, store.sourcesOf(to), null);
		provenance.record("MERGE", List.of(to, from), moved, null, tag);
		return tag;
	}

	/**
	 * Undoes the latest merge out of golden record {@code from}: its former sources return with
	 * exactly their former link values, and it becomes active again.
	 */
	String unmerge(String from) {
		store.lockForMatching();
		String tag = store.latestMergeFrom(from).filter(t -> !store.unmerged(t))
				.orElseThrow(() -> new IllegalArgumentException(from + " has no merge to undo"));
		String to = null;
		List<String> restored = new java.util.ArrayList<>();
		for (PatientIndexStore.Link before : store.linksBefore(tag)) {
			restored.add(before.sourceId());
			String current = store.goldenOf(before.sourceId()).orElse(null);
			PatientIndexStore.Link now = current == null ? null : store.link(before.sourceId(), current).orElseThrow();
			if (now == null || (to != null && !to.equals(current))) {
				throw new IllegalArgumentException(before.sourceId() + " was relinked since the merge; undo that first");
			}
			to = current;
			store.unlink(now, "UNMERGE", tag);
			store.link(before, "UNMERGE", tag);
		}
		goldens.refresh(from, store.sourcesOf(from), null);
		if (to != null && !store.sourcesOf(to).isEmpty()) {
			goldens.refresh(to, store.sourcesOf(to), null);
		}
		provenance.record("UNMERGE", to == null ? List.of(from) : List.of(from, to), restored, null, "undone: " + tag);
		return tag;
	}

	/**
	 * A steward's decision on a POSSIBLE_MATCH: accepted, the source joins that golden record (its
	 * own, if then empty, is retired); rejected, the pair is remembered and never linked automatically.
	 */
	void decide(String sourceId, String goldenId, boolean accept) {
		store.lockForMatching();
		requireGolden(goldenId);
		PatientIndexStore.Link possible = store.link(sourceId, goldenId)
				.filter(l -> l.matchResult() == MatchResult.POSSIBLE_MATCH)
				.orElseThrow(() -> new IllegalArgumentException(sourceId + " and " + goldenId + " are not a possible match"));
		if (!accept) {
			store.unlink(possible, "REJECT", "steward");
			store.reject(sourceId, goldenId);
			provenance.record("REJECT", List.of(goldenId), List.of(sourceId), null,
					"steward; was " + IndexProvenance.score(possible.matchResult(), possible.score(), possible.linkSource()));
			return;
		}
		store.unlink(possible, "ACCEPT", "steward");
		String previous = store.goldenOf(sourceId).orElse(null);
		if (previous != null) {
			store.unlink(store.link(sourceId, previous).orElseThrow(), "ACCEPT_MOVE", "steward");
		}
		store.link(new PatientIndexStore.Link(sourceId, goldenId, MatchResult.MATCH, MANUAL, possible.score(), false,
				false, 0, 0), "ACCEPT", "steward");
		goldens.refresh(goldenId, store.sourcesOf(goldenId), null);
		provenance.record("ACCEPT", previous == null ? List.of(goldenId) : List.of(goldenId, previous), List.of(sourceId),
				null, "steward; was " + IndexProvenance.score(possible.matchResult(), possible.score(), possible.linkSource()));
		if (previous != null) {
			if (store.sourcesOf(previous).isEmpty()) {
				goldens.retire(previous, goldenId);
			}
			else {
				goldens.refresh(previous, store.sourcesOf(previous), null);
			}
		}
	}

	private void requireGolden(String goldenId) {
		if (!store.isGolden(goldenId)) {
			throw new NoSuchElementException(goldenId + " is not a golden record with sources");
		}
	}

	/**
	 * A source Patient was deleted: its links go (kept in the history), and its golden record
	 * follows the remaining sources — or is retired when none remain.
	 */
	void sourceDeleted(String sourceId) {
		store.lockForMatching();
		Optional<String> golden = store.goldenOf(sourceId);
		for (PatientIndexStore.Link link : store.links(sourceId, null, null, null, 0, Integer.MAX_VALUE)) {
			store.unlink(link, "SOURCE_DELETED", null);
		}
		store.forget(sourceId);
		golden.ifPresent(g -> {
			provenance.record("SOURCE_DELETED", List.of(g), List.of(), sourceId, null);
			List<String> rest = store.sourcesOf(g);
			if (rest.isEmpty()) {
				goldens.retire(g, null);
			}
			else {
				goldens.refresh(g, rest, null);
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
