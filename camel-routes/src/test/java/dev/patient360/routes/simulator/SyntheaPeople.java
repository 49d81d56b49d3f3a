package dev.patient360.routes.simulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;

/**
 * The Synthea patients of {@code ../shared/data/synthea-r4/bundles} as the scheduling and billing
 * simulators see them, so that their attendees and billed patients are the EHR simulator's patients:
 * name, birth date, the Synthea identifier (the EHR's MRN) and a made-up e-mail address derived from
 * the name ({@code given.family@example.org}, ASCII only).
 */
public final class SyntheaPeople {

	/** Synthea's own identifier system; the EHR simulator serves it on every Patient. */
	public static final String SYNTHEA_SYSTEM = "https://github.com/synthetichealth/synthea";

	public record Person(String syntheaId, String given, String family, String birthDate, String email) {

		public String name() {
			return given + " " + family;
		}
	}

	private SyntheaPeople() {
	}

	/** The default folder from a checkout's module directory (tests) or its root (the demo). */
	public static Path defaultFolder() {
		Path fromModule = Path.of("../../shared/data/synthea-r4/bundles");
		return Files.isDirectory(fromModule) ? fromModule : Path.of("../shared/data/synthea-r4/bundles");
	}

	/** The first {@code limit} patients in file-name order. */
	public static List<Person> load(Path folder, int limit) {
		List<Person> people = new ArrayList<>();
		FhirContext fhir = FhirContext.forR4Cached();
		try (Stream<Path> files = Files.list(folder)) {
			for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().limit(limit).toList()) {
				Bundle b = fhir.newJsonParser().parseResource(Bundle.class, Files.readString(f));
				b.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(Patient.class::isInstance)
						.map(Patient.class::cast).findFirst().ifPresent(p -> people.add(person(p)));
			}
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		return people;
	}

	private static Person person(Patient p) {
		String id = p.getIdentifier().stream().filter(i -> SYNTHEA_SYSTEM.equals(i.getSystem())).map(Identifier::getValue)
				.findFirst().orElse(p.getIdElement().getIdPart());
		// Synthea appends digits to names (e.g. "Abdul218"); people do not.
		String given = p.getNameFirstRep().getGivenAsSingleString().replaceAll("\\d", "").trim();
		String family = p.getNameFirstRep().getFamily().replaceAll("\\d", "").trim();
		String email = (ascii(given) + "." + ascii(family) + "@example.org").toLowerCase(Locale.ROOT);
		return new Person(id, given, family, p.getBirthDateElement().getValueAsString(), email);
	}

	private static String ascii(String s) {
		return Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("[^A-Za-z]", "");
	}
}
