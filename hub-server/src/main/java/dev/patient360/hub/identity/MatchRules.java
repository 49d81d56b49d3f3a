package dev.patient360.hub.identity;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The matching rules (docs/patient-index.md explains each weight). Loaded from a JSON file so a
 * deployment tunes matching without a build; unknown keys are refused, so a misspelt weight is an
 * error at start rather than a silently ignored rule.
 *
 * @param strongIdentifiers identifier systems that name one person each (KVNR, insurer member ids,
 *     national ids): the same value links deterministically, a different value under a system marked
 *     {@code onePerPerson} speaks against a match
 * @param weights what each agreement or disagreement adds to a pair's score
 * @param thresholds the scores at which a pair is a MATCH or a POSSIBLE_MATCH
 */
public record MatchRules(List<StrongIdentifier> strongIdentifiers, Weights weights, Thresholds thresholds) {

	/** The rules on the classpath that the hub ships with. */
	public static final String DEFAULT_LOCATION = "patient-index/match-rules.json";

	public record StrongIdentifier(String system, boolean onePerPerson) {
	}

	public record Weights(
			double identifierAgree, double identifierDisagree,
			double familyExact, double familyPartial, double familyPhonetic, double familyDisagree,
			double givenExact, double givenPartial, double givenPhonetic, double givenDisagree,
			double swappedNamesPenalty,
			double birthDateExact, double birthDateTypo, double birthDateDisagree,
			double genderAgree, double genderDisagree,
			double postalCodeAgree, double phoneAgree, double emailAgree) {

		/** The highest score a pair can reach without a strong identifier. */
		double maxProbabilistic() {
			return familyExact + givenExact + birthDateExact + genderAgree + postalCodeAgree + phoneAgree + emailAgree;
		}
	}

	public record Thresholds(double match, double possibleMatch) {
	}

	boolean isStrong(String system) {
		return strongIdentifiers.stream().anyMatch(s -> s.system().equals(system));
	}

	boolean isOnePerPerson(String system) {
		return strongIdentifiers.stream().anyMatch(s -> s.system().equals(system) && s.onePerPerson());
	}

	static MatchRules read(InputStream json) throws IOException {
		MatchRules rules = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
				.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
				.enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
				.readValue(json, MatchRules.class);
		if (rules.thresholds().possibleMatch() > rules.thresholds().match()) {
			throw new IllegalArgumentException("possibleMatch threshold above the match threshold");
		}
		return rules;
	}

	/** The rules at a classpath location (e.g. {@link #DEFAULT_LOCATION}). */
	static MatchRules fromClasspath(String location) {
		try (InputStream in = MatchRules.class.getClassLoader().getResourceAsStream(location)) {
			if (in == null) {
				throw new IllegalArgumentException("no match rules at classpath:" + location);
			}
			return read(in);
		}
		catch (IOException e) {
			throw new IllegalArgumentException("unreadable match rules at classpath:" + location, e);
		}
	}
}
