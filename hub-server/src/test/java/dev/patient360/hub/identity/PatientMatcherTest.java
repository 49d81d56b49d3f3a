package dev.patient360.hub.identity;

import static org.assertj.core.api.Assertions.assertThat;


import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class PatientMatcherTest {

	private static final MatchRules RULES = MatchRules.fromClasspath(MatchRules.DEFAULT_LOCATION);
	private static final PatientMatcher MATCHER = new PatientMatcher(RULES);
	private static final String KVNR = "http://fhir.de/sid/gkv/kvid-10";

	private static Patient patient(String family, String given, String birthDate, String gender, String postal) {
		Patient p = new Patient();
		p.addName().setFamily(family).addGiven(given);
		if (birthDate != null) {
			p.setBirthDateElement(new DateType(birthDate));
		}
		if (gender != null) {
			p.setGender(AdministrativeGender.fromCode(gender));
		}
		if (postal != null) {
			p.addAddress().setPostalCode(postal);
		}
		return p;
	}

	private static MatchOutcome compare(Patient a, Patient b) {
		return MATCHER.compare(PatientFacts.of(a, RULES), PatientFacts.of(b, RULES));
	}

	@Test
	void identicalDemographicsMatch() {
		Patient a = patient("Müller", "Jürgen", "1956-08-03", "male", "50667");
		assertThat(compare(a, a.copy()).result()).isEqualTo(MatchResult.MATCH);
	}

	@Test
	void umlautSpellingsAndSharpSAreTheSameName() {
		Patient a = patient("Müller-Weiß", "Jürgen", "1956-08-03", "male", "50667");
		Patient b = patient("MUELLER-WEISS", "Juergen", "1956-08-03", "male", null);
		assertThat(compare(a, b).result()).isEqualTo(MatchResult.MATCH);
	}

	@Test
	void phoneticallyEqualMisspellingMatchesByCologneCode() {
		Patient a = patient("Meier", "Karl", "1970-01-15", "male", "10115");
		Patient b = patient("Meyer", "Carl", "1970-01-15", "male", "10115");
		MatchOutcome outcome = compare(a, b);
		assertThat(outcome.result()).isEqualTo(MatchResult.MATCH);
		assertThat(outcome.score()).isLessThan(compare(a, a.copy()).score());
	}

	@Test
	void oneOfADoubleSurnameIsEnough() {
		Patient a = patient("Schmidt Hoffmann", "Anna", "1980-05-20", "female", "80331");
		Patient b = patient("Hoffmann", "Anna", "1980-05-20", "female", "80331");
		assertThat(compare(a, b).result()).isEqualTo(MatchResult.MATCH);
	}

	@Test
	void swappedGivenAndFamilyNameMatch() {
		Patient a = patient("Wagner", "Petra", "1965-11-02", "female", "20095");
		Patient b = patient("Petra", "Wagner", "1965-11-02", "female", "20095");
		assertThat(compare(a, b).result()).isEqualTo(MatchResult.MATCH);
	}

	@Test
	void birthDateTyposInOneFieldStillMatchWhenTheRestAgrees() {
		Patient a = patient("Becker", "Lukas", "1990-03-14", "male", "01067");
		a.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("+49 351 1234567");
		Patient dayTypo = patient("Becker", "Lukas", "1990-03-15", "male", "01067");
		dayTypo.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("0351 1234567");
		assertThat(compare(a, dayTypo).result()).isEqualTo(MatchResult.MATCH);
		assertThat(PatientMatcher.isTypo("1990-03-14", "1990-14-03")).isTrue();
		assertThat(PatientMatcher.isTypo("1990-03-14", "1909-03-14")).isTrue();
		assertThat(PatientMatcher.isTypo("1990-03-14", "1991-03-14")).isTrue();
	}

	@Test
	void parentAndChildWithTheSameNameAndAddressDoNotMatch() {
		Patient parent = patient("Schulz", "Thomas", "1960-04-12", "male", "50667");
		Patient child = patient("Schulz", "Thomas", "1988-09-30", "male", "50667");
		assertThat(compare(parent, child).result()).isEqualTo(MatchResult.NO_MATCH);
		assertThat(PatientMatcher.isTypo("1960-04-12", "1980-04-12")).isFalse();
	}

	@Test
	void twinsWithTheSameBirthDateAndAddressDoNotMatch() {
		Patient a = patient("Fischer", "Lena", "2001-07-07", "female", "70173");
		Patient b = patient("Fischer", "Marie", "2001-07-07", "female", "70173");
		assertThat(compare(a, b).result()).isEqualTo(MatchResult.NO_MATCH);
	}

	@Test
	void sharedKvnrMatchesDeterministicallyDespiteNameChange() {
		Patient a = patient("Koch", "Sabine", "1975-02-28", "female", null);
		a.addIdentifier().setSystem(KVNR).setValue("A123456780");
		Patient b = patient("Neumann", "Sabine", "1975-02-28", "female", null);
		b.addIdentifier().setSystem(KVNR).setValue("A123456780");
		MatchOutcome outcome = compare(a, b);
		assertThat(outcome.result()).isEqualTo(MatchResult.MATCH);
		assertThat(outcome.deterministic()).isTrue();
	}

	@Test
	void differentKvnrOutweighsEqualDemographics() {
		Patient a = patient("Koch", "Sabine", "1975-02-28", "female", "50667");
		a.addIdentifier().setSystem(KVNR).setValue("A123456780");
		Patient b = patient("Koch", "Sabine", "1975-02-28", "female", "50667");
		b.addIdentifier().setSystem(KVNR).setValue("B987654321");
		assertThat(compare(a, b).result()).isEqualTo(MatchResult.NO_MATCH);
	}

	@Test
	void differentMrnSystemsAreNotEvidence() {
		Patient a = patient("Koch", "Sabine", "1975-02-28", "female", "50667");
		a.addIdentifier().setSystem("urn:clinic-a:mrn").setValue("1");
		Patient b = patient("Koch", "Sabine", "1975-02-28", "female", "50667");
		b.addIdentifier().setSystem("urn:clinic-b:mrn").setValue("2");
		assertThat(compare(a, b).result()).isEqualTo(MatchResult.MATCH);
	}

	@Test
	void nameTypoAndDateTypoWithoutAddressIsOnlyPossible() {
		Patient a = patient("Zimmermann", "Klaus", "1950-06-01", "male", null);
		Patient b = patient("Zimermann", "Klaus", "1950-06-11", "male", null);
		assertThat(compare(a, b).result()).isEqualTo(MatchResult.POSSIBLE_MATCH);
	}

	@Test
	void swappedNamesShareABlockingKey() {
		Patient a = patient("Wagner", "Petra", "1965-11-02", "female", null);
		Patient b = patient("Petra", "Wagner", "1965-11-03", "female", null);
		assertThat(PatientFacts.of(a, RULES).blockingKeys()).containsAnyElementsOf(PatientFacts.of(b, RULES).blockingKeys()
				.stream().filter(k -> k.startsWith("name:")).toList());
	}

	@Test
	void namesAreNormalisedToAsciiTokens() {
		assertThat(PatientFacts.tokens("Groß-Müller")).containsExactly("gross", "mueller");
		assertThat(PatientFacts.tokens("Abdul218")).containsExactly("abdul");
		assertThat(PatientFacts.tokens("Renée")).containsExactly("renee");
	}
}
