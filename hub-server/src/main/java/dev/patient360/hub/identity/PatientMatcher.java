package dev.patient360.hub.identity;

import java.util.List;

/**
 * Compares two Patients under {@link MatchRules}: first deterministically on strong identifiers,
 * then by summing the weights of agreeing and disagreeing demographics. Pure: no storage, no
 * Spring, so every rule is tested on its own (PatientMatcherTest).
 */
public final class PatientMatcher {

	private final MatchRules rules;
	private final MatchRules.Weights w;

	public PatientMatcher(MatchRules rules) {
		this.rules = rules;
		this.w = rules.weights();
	}

	public MatchRules rules() {
		return rules;
	}

	public MatchOutcome compare(PatientFacts a, PatientFacts b) {
		double score = 0;
		boolean sharedIdentifier = a.identifiers().stream().anyMatch(b.identifiers()::contains);
		if (sharedIdentifier) {
			score += w.identifierAgree();
		}
		else if (differentValueUnderOnePerPersonSystem(a, b)) {
			score += w.identifierDisagree();
		}
		score += names(a, b);
		score += birthDate(a.birthDate(), b.birthDate());
		if (a.gender() != null && b.gender() != null && !"unknown".equals(a.gender()) && !"unknown".equals(b.gender())) {
			score += a.gender().equals(b.gender()) ? w.genderAgree() : w.genderDisagree();
		}
		if (a.postalCode() != null && a.postalCode().equals(b.postalCode())) {
			score += w.postalCodeAgree();
		}
		if (a.phones().stream().anyMatch(b.phones()::contains)) {
			score += w.phoneAgree();
		}
		if (a.emails().stream().anyMatch(b.emails()::contains)) {
			score += w.emailAgree();
		}
		MatchResult result = score >= rules.thresholds().match() ? MatchResult.MATCH
				: score >= rules.thresholds().possibleMatch() ? MatchResult.POSSIBLE_MATCH : MatchResult.NO_MATCH;
		double normalized = Math.max(0, Math.min(1, score / w.maxProbabilistic()));
		return new MatchOutcome(result, score, normalized, sharedIdentifier && result == MatchResult.MATCH);
	}

	private boolean differentValueUnderOnePerPersonSystem(PatientFacts a, PatientFacts b) {
		for (String id : a.identifiers()) {
			String system = id.substring(0, id.indexOf('|'));
			if (!rules.isOnePerPerson(system)) {
				continue;
			}
			boolean bHasSystem = b.identifiers().stream().anyMatch(other -> other.startsWith(system + "|"));
			if (bHasSystem && !b.identifiers().contains(id)) {
				return true;
			}
		}
		return false;
	}

	/** The better of straight and swapped (given ↔ family) reading; swapped costs a little. */
	private double names(PatientFacts a, PatientFacts b) {
		double straight = part(a.family(), b.family(), true) + part(a.given(), b.given(), false);
		double swapped = part(a.family(), b.given(), true) + part(a.given(), b.family(), false)
				- w.swappedNamesPenalty();
		return Math.max(straight, swapped);
	}

	private double part(List<String> a, List<String> b, boolean family) {
		if (a.isEmpty() || b.isEmpty()) {
			return 0;
		}
		if (a.equals(b)) {
			return family ? w.familyExact() : w.givenExact();
		}
		// Double or hyphenated surnames, a dropped middle name: one token in common is enough.
		if (a.stream().anyMatch(b::contains)) {
			return family ? w.familyPartial() : w.givenPartial();
		}
		if (a.stream().map(PatientFacts::phonetic).anyMatch(p -> !p.isEmpty()
				&& b.stream().map(PatientFacts::phonetic).anyMatch(p::equals))) {
			return family ? w.familyPhonetic() : w.givenPhonetic();
		}
		return family ? w.familyDisagree() : w.givenDisagree();
	}

	private double birthDate(String a, String b) {
		if (a == null || b == null) {
			return 0;
		}
		if (a.equals(b)) {
			return w.birthDateExact();
		}
		return isTypo(a, b) ? w.birthDateTypo() : w.birthDateDisagree();
	}

	/**
	 * Typing slips that leave the rest of a full date intact: day or month alone differs, day and
	 * month swapped, or the last digit of the year (or its last two digits transposed). Decades do
	 * not count: a parent and a child with the same day and month must not look like a typo.
	 */
	static boolean isTypo(String a, String b) {
		if (a.length() != 10 || b.length() != 10) {
			return false;
		}
		String ya = a.substring(0, 4);
		String yb = b.substring(0, 4);
		String ma = a.substring(5, 7);
		String mb = b.substring(5, 7);
		String da = a.substring(8, 10);
		String db = b.substring(8, 10);
		boolean sameYear = ya.equals(yb);
		if (sameYear && ma.equals(mb)) {
			return true;
		}
		if (sameYear && da.equals(db)) {
			return true;
		}
		if (sameYear && ma.equals(db) && da.equals(mb)) {
			return true;
		}
		if (ma.equals(mb) && da.equals(db) && ya.substring(0, 2).equals(yb.substring(0, 2))) {
			boolean lastDigit = ya.substring(0, 3).equals(yb.substring(0, 3));
			boolean transposed = ya.charAt(2) == yb.charAt(3) && ya.charAt(3) == yb.charAt(2);
			return lastDigit || transposed;
		}
		return false;
	}
}
