package dev.patient360.hub.identity;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.apache.commons.codec.language.ColognePhonetic;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;

/**
 * What the matcher compares of a Patient, already normalised: names as lower-case ASCII tokens
 * (ä→ae, ö→oe, ü→ue, ß→ss, accents dropped, digits and punctuation as separators, so "Groß-Müller"
 * is [gross, mueller]), strong identifiers as {@code system|value}, phone numbers as digits.
 * Stored as JSON in the index, so candidates are compared without reading their Patients.
 *
 * @param identifiers strong identifiers, {@code system|value}
 * @param family family-name tokens of all names
 * @param given given-name tokens of all names
 * @param birthDate {@code yyyy-MM-dd} (or shorter if the source only knows part), null if unknown
 */
public record PatientFacts(Set<String> identifiers, List<String> family, List<String> given, String birthDate,
		String gender, String postalCode, Set<String> phones, Set<String> emails) {

	private static final ColognePhonetic COLOGNE = new ColognePhonetic();

	static PatientFacts of(Patient patient, MatchRules rules) {
		Set<String> ids = new TreeSet<>();
		for (Identifier identifier : patient.getIdentifier()) {
			if (identifier.hasSystem() && identifier.hasValue() && rules.isStrong(identifier.getSystem())) {
				ids.add(identifier.getSystem() + "|" + identifier.getValue().trim());
			}
		}
		List<String> family = new ArrayList<>();
		List<String> given = new ArrayList<>();
		for (HumanName name : patient.getName()) {
			if (name.getUse() == HumanName.NameUse.OLD) {
				continue;
			}
			addTokens(family, name.getFamily());
			for (StringType g : name.getGiven()) {
				addTokens(given, g.getValue());
			}
		}
		String birthDate = patient.hasBirthDateElement() ? patient.getBirthDateElement().getValueAsString() : null;
		String gender = patient.hasGender() ? patient.getGender().toCode() : null;
		String postal = patient.getAddress().stream().filter(a -> a.hasPostalCode())
				.map(a -> a.getPostalCode().replaceAll("\\s", "").toLowerCase(Locale.ROOT)).findFirst().orElse(null);
		Set<String> phones = new TreeSet<>();
		Set<String> emails = new TreeSet<>();
		for (ContactPoint telecom : patient.getTelecom()) {
			if (!telecom.hasValue()) {
				continue;
			}
			if (telecom.getSystem() == ContactPoint.ContactPointSystem.EMAIL) {
				emails.add(telecom.getValue().trim().toLowerCase(Locale.ROOT));
			}
			else if (telecom.getSystem() == ContactPoint.ContactPointSystem.PHONE) {
				String digits = telecom.getValue().replaceAll("\\D", "");
				// The last nine digits survive national/international prefixes (0049… vs 0…).
				if (digits.length() >= 6) {
					phones.add(digits.length() > 9 ? digits.substring(digits.length() - 9) : digits);
				}
			}
		}
		return new PatientFacts(ids, List.copyOf(new LinkedHashSet<>(family)), List.copyOf(new LinkedHashSet<>(given)),
				birthDate, gender, postal, phones, emails);
	}

	/** Lower-case ASCII tokens of a name part; German umlauts and ß spelt out as in passports. */
	static List<String> tokens(String text) {
		List<String> out = new ArrayList<>();
		addTokens(out, text);
		return out;
	}

	private static void addTokens(List<String> out, String text) {
		if (text == null) {
			return;
		}
		String s = text.toLowerCase(Locale.GERMAN)
				.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss");
		s = Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
		for (String token : s.split("[^a-z]+")) {
			if (token.length() > 1) {
				out.add(token);
			}
		}
	}

	/** Cologne phonetic code of a normalised token. */
	static String phonetic(String token) {
		return COLOGNE.colognePhonetic(token);
	}

	/**
	 * The keys under which the index finds candidates for this Patient (blocking): any strong
	 * identifier, the birth date, and the phonetic codes of family plus first given name — so a
	 * typo in the date or a misspelt name still leaves one key in common.
	 */
	Set<String> blockingKeys() {
		Set<String> keys = new TreeSet<>();
		identifiers.forEach(id -> keys.add("id:" + id));
		if (birthDate != null) {
			keys.add("dob:" + birthDate);
		}
		for (String f : family) {
			for (String g : given) {
				// Both orders, so swapped given/family names meet under the same key.
				String a = phonetic(f);
				String b = phonetic(g);
				keys.add("name:" + (a.compareTo(b) <= 0 ? a + "/" + b : b + "/" + a));
			}
		}
		return keys;
	}
}
