package dev.patient360.hub.identity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.patient360.profiles.Canonicals;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Patient;

/**
 * A matching cohort generated from Synthea patients with a fixed seed: each person gets a German
 * name and appears in two or three sources with realistic differences (umlaut spellings, typos,
 * swapped names, a one-field date typo, missing fields, a moved address, an added second surname);
 * beside them live look-alikes who are different people (twins with the same birth date and address,
 * a parent with the child's name at the same address). Birth dates, genders, addresses and phones
 * come from Synthea; the truth is which records belong to which person.
 */
final class SyntheaCohort {

	static final String KVNR = "http://fhir.de/sid/gkv/kvid-10";
	static final String MEMBER_ID = "https://fhir.patient360.dev/sid/insurer-member-id";
	static final List<String> SOURCES = List.of("clinic-a", "clinic-b", "insurer-c");

	private static final String[] FAMILY = { "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner",
			"Becker", "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder",
			"Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt",
			"Werner", "Schmitz", "Krause", "Meier", "Lehmann", "Schmid", "Schulze", "Maier", "Köhler", "Herrmann",
			"König", "Walter", "Mayer", "Huber", "Kaiser", "Fuchs", "Peters", "Lang", "Scholz", "Möller", "Weiß",
			"Jung", "Hahn", "Schubert", "Vogel", "Friedrich", "Keller", "Günther", "Frank", "Berger", "Winkler",
			"Roth", "Beck", "Lorenz", "Baumann", "Franke", "Albrecht", "Schuster", "Simon", "Ludwig", "Böhm",
			"Winter", "Kraus", "Martin", "Schumacher", "Krämer", "Vogt", "Stein", "Jäger", "Otto", "Sommer",
			"Groß", "Seidel", "Heinrich", "Brandt", "Haas", "Schreiber", "Graf", "Schulte", "Dietrich", "Ziegler",
			"Kuhn", "Kühn", "Pohl", "Engel", "Horn", "Busch", "Bergmann", "Thomas", "Voigt", "Sauer", "Arnold",
			"Wolff", "Pfeiffer" };
	private static final String[] MALE = { "Jürgen", "Klaus", "Thomas", "Michael", "Andreas", "Stefan", "Peter",
			"Wolfgang", "Frank", "Uwe", "Jörg", "Dieter", "Bernd", "Matthias", "Lukas", "Jonas", "Felix", "Paul",
			"Maximilian", "Leon", "Björn", "Sören", "Günter", "Horst", "Karl", "Heinz", "Tobias", "Florian",
			"Sebastian", "Christian" };
	private static final String[] FEMALE = { "Sabine", "Petra", "Monika", "Ursula", "Renate", "Andrea", "Birgit",
			"Claudia", "Susanne", "Jutta", "Anna", "Lena", "Marie", "Sophie", "Jana", "Katrin", "Jördis",
			"Brigitte", "Gisela", "Helga", "Käthe", "Lisa", "Laura", "Julia", "Hannah", "Emma", "Mia", "Lea",
			"Doris", "Elke" };

	record Record(String person, String source, Patient patient) {
	}

	private record Person(String key, String family, String given, String birthDate, String gender, String line,
			String city, String postal, String phone, String kvnr) {
	}

	private final Random random;
	private final List<Record> records = new ArrayList<>();
	private int mrn = 1000;

	private SyntheaCohort(long seed) {
		this.random = new Random(seed);
	}

	/** The records of {@code persons} Synthea patients (first by file name) and their look-alikes, shuffled. */
	static List<Record> generate(Path bundles, int persons, long seed) throws IOException {
		SyntheaCohort cohort = new SyntheaCohort(seed);
		List<Path> files;
		try (Stream<Path> list = Files.list(bundles)) {
			files = list.filter(p -> p.toString().endsWith(".json")).sorted().limit(persons).toList();
		}
		ObjectMapper json = new ObjectMapper();
		int i = 0;
		for (Path file : files) {
			JsonNode patient = null;
			for (JsonNode entry : json.readTree(file.toFile()).path("entry")) {
				if ("Patient".equals(entry.path("resource").path("resourceType").asText())) {
					patient = entry.path("resource");
					break;
				}
			}
			if (patient != null) {
				cohort.person(i++, patient);
			}
		}
		Collections.shuffle(cohort.records, cohort.random);
		return cohort.records;
	}

	private void person(int i, JsonNode synthea) {
		String gender = synthea.path("gender").asText("unknown");
		String[] givens = "female".equals(gender) ? FEMALE : MALE;
		JsonNode address = synthea.path("address").path(0);
		Person p = new Person("p" + i, FAMILY[random.nextInt(FAMILY.length)], givens[random.nextInt(givens.length)],
				synthea.path("birthDate").asText(), gender, address.path("line").path(0).asText(null),
				address.path("city").asText(null), address.path("postalCode").asText(null),
				synthea.path("telecom").path(0).path("value").asText(null), kvnr(i));
		records.add(new Record(p.key(), "clinic-a", patient(p, "clinic-a")));
		records.add(new Record(p.key(), "clinic-b", perturb(patient(p, "clinic-b"), p, random.nextInt(10) < 2 ? 2 : 1)));
		if (random.nextInt(10) < 6) {
			Patient insured = perturb(patient(p, "insurer-c"), p, 1);
			insured.addIdentifier().setSystem(KVNR).setValue(p.kvnr());
			insured.addIdentifier().setSystem(MEMBER_ID).setValue("M" + p.kvnr().substring(1));
			records.add(new Record(p.key(), "insurer-c", insured));
		}
		if (i < 10) {
			// A twin: same family, birth date, address and phone, another first name, another person.
			String other;
			do {
				other = givens[random.nextInt(givens.length)];
			}
			while (PatientFacts.phonetic(PatientFacts.tokens(other).get(0))
					.equals(PatientFacts.phonetic(PatientFacts.tokens(p.given()).get(0))));
			Person twin = new Person(p.key() + "-twin", p.family(), other, p.birthDate(), p.gender(), p.line(), p.city(),
					p.postal(), p.phone(), kvnr(1000 + i));
			records.add(new Record(twin.key(), "clinic-a", patient(twin, "clinic-a")));
			records.add(new Record(twin.key(), "clinic-b", patient(twin, "clinic-b")));
		}
		else if (i < 20) {
			// A parent with the same name at the same address, born a generation earlier.
			int year = Integer.parseInt(p.birthDate().substring(0, 4)) - 25 - random.nextInt(10);
			String date = String.format("%04d-%02d-%02d", year, 1 + random.nextInt(12), 1 + random.nextInt(28));
			Person parent = new Person(p.key() + "-parent", p.family(), p.given(), date, p.gender(), p.line(), p.city(),
					p.postal(), p.phone(), kvnr(2000 + i));
			records.add(new Record(parent.key(), "clinic-a", patient(parent, "clinic-a")));
			records.add(new Record(parent.key(), "insurer-c", withKvnr(patient(parent, "insurer-c"), parent)));
		}
	}

	private static Patient withKvnr(Patient patient, Person p) {
		patient.addIdentifier().setSystem(KVNR).setValue(p.kvnr());
		return patient;
	}

	private static String kvnr(int i) {
		return (char) ('A' + i % 26) + String.format("%09d", 100_000_000 + i * 7919);
	}

	private Patient patient(Person p, String source) {
		Patient patient = new Patient();
		patient.getMeta().addTag(Canonicals.CS_SOURCE_SYSTEM, source, null);
		patient.addIdentifier().setSystem("https://" + source + ".example/mrn").setValue(String.valueOf(mrn++));
		patient.addName().setFamily(p.family()).addGiven(p.given());
		patient.setGender(AdministrativeGender.fromCode(p.gender()));
		patient.setBirthDateElement(new DateType(p.birthDate()));
		patient.addAddress().addLine(p.line()).setCity(p.city()).setPostalCode(p.postal()).setCountry("DE");
		if (p.phone() != null) {
			patient.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(p.phone());
		}
		return patient;
	}

	/** Applies {@code n} different kinds of difference a second source typically shows. */
	private Patient perturb(Patient patient, Person p, int n) {
		List<Integer> kinds = new ArrayList<>(List.of(0, 1, 2, 3, 4, 5, 6));
		Collections.shuffle(kinds, random);
		for (int kind : kinds.subList(0, n)) {
			switch (kind) {
				case 0 -> patient.getNameFirstRep().setFamily(ascii(p.family())).getGiven().get(0).setValue(ascii(p.given()));
				case 1 -> patient.getNameFirstRep().setFamily(typo(p.family()));
				case 2 -> {
					String family = patient.getNameFirstRep().getFamily();
					String given = patient.getNameFirstRep().getGivenAsSingleString();
					patient.getNameFirstRep().setFamily(given).getGiven().get(0).setValue(family);
				}
				case 3 -> patient.setBirthDateElement(new DateType(dateTypo(p.birthDate())));
				case 4 -> {
					patient.setAddress(new ArrayList<>());
					patient.setGender(null);
				}
				case 5 -> {
					patient.setAddress(new ArrayList<>());
					patient.addAddress().addLine(random.nextInt(200) + " Neue Straße").setCity("Köln")
							.setPostalCode(String.format("%05d", 50000 + random.nextInt(1000))).setCountry("DE");
					patient.setTelecom(new ArrayList<>());
				}
				default -> patient.getNameFirstRep().setFamily(patient.getNameFirstRep().getFamily() + "-"
						+ FAMILY[random.nextInt(FAMILY.length)]);
			}
		}
		return patient;
	}

	private static String ascii(String name) {
		return name.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
				.replace("Ä", "Ae").replace("Ö", "Oe").replace("Ü", "Ue");
	}

	/** A dropped or doubled letter after the first. */
	private String typo(String name) {
		int at = 1 + random.nextInt(name.length() - 1);
		return random.nextBoolean() ? name.substring(0, at) + name.substring(at + 1)
				: name.substring(0, at + 1) + name.substring(at);
	}

	/** The day off by one, or day and month swapped where that is a date. */
	private String dateTypo(String date) {
		int day = Integer.parseInt(date.substring(8, 10));
		int month = Integer.parseInt(date.substring(5, 7));
		if (random.nextBoolean() && day <= 12 && day != month) {
			return date.substring(0, 5) + String.format("%02d-%02d", day, month);
		}
		return date.substring(0, 8) + String.format("%02d", day >= 28 ? day - 1 : day + 1);
	}
}
