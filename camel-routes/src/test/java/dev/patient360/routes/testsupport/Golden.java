package dev.patient360.routes.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationOptions;
import dev.patient360.profiles.Canonicals;
import dev.patient360.profiles.EngagementValidation;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden files for mapper tests: the mapped transaction as pretty FHIR JSON must equal the file.
 * Regenerate after a deliberate mapping change with {@code -Dgolden.update=true} and review the diff.
 * Every mapped resource is also validated with the hub's offline validator (R4 core + the engagement
 * package; Patients against the engagement-patient profile).
 */
public final class Golden {

	private static final FhirContext FHIR = FhirContext.forR4Cached();
	private static FhirValidator validator;

	private Golden() {
	}

	public static void assertMatches(Bundle actual, Path golden) throws IOException {
		String json = FHIR.newJsonParser().setPrettyPrint(true).encodeResourceToString(actual) + "\n";
		if (Boolean.getBoolean("golden.update")) {
			Files.createDirectories(golden.getParent());
			Files.writeString(golden, json);
		}
		assertThat(golden).as("golden file (create with -Dgolden.update=true)").exists();
		assertThat(json).isEqualTo(Files.readString(golden));
	}

	/** Errors the validator finds in the transaction's resources (empty = valid). */
	public static synchronized List<String> validationErrors(Bundle tx) {
		if (validator == null) {
			validator = EngagementValidation.validator(FHIR);
		}
		List<String> errors = new ArrayList<>();
		for (Bundle.BundleEntryComponent e : tx.getEntry()) {
			Resource r = e.getResource().copy();
			// References inside a transaction point at its entries (urn:uuid); alone they dangle.
			ValidationOptions options = new ValidationOptions();
			if (r instanceof Patient) {
				options.addProfile(Canonicals.PROFILE_PATIENT);
			}
			for (SingleValidationMessage m : validator.validateWithResult(r, options).getMessages()) {
				if (m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal()) {
					errors.add(r.fhirType() + " " + m.getLocationString() + ": " + m.getMessage());
				}
			}
		}
		return errors;
	}
}
