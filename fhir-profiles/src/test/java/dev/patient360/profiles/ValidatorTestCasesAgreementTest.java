package dev.patient360.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.ValidationResult;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * How often the hub's offline validator (HAPI, R4 core + this package, in-memory terminology) agrees
 * with the HL7 Java validator's recorded outcome on the HL7 validator test cases that need no
 * terminology server ({@code ../shared/data/fhir-validator-testcases}). Agreement = both find at
 * least one error, or both find none. Not a conformance gate: the figure goes to docs/profiles.md;
 * the floor below only catches a validator set-up that silently got worse.
 */
class ValidatorTestCasesAgreementTest {

	/** Measured 2026-11-27: 172 of 201 (85.6 %); a drop below this means the validator chain lost something. */
	private static final double AGREEMENT_FLOOR = 0.80;

	@Test
	void offlineValidatorAgreesWithTheRecordedOutcomesOfTheHl7TestCases() throws IOException {
		Path dir = sharedData("fhir-validator-testcases");
		JsonNode cases = new ObjectMapper().readTree(dir.resolve("manifest-r4-subset.json").toFile()).get("test-cases");
		FhirContext ctx = FhirContext.forR4Cached();
		FhirValidator validator = EngagementValidation.validator(ctx);

		int run = 0;
		int agree = 0;
		int bothInvalid = 0;
		int bothValid = 0;
		List<String> disagreements = new ArrayList<>();
		List<String> crashed = new ArrayList<>();
		for (JsonNode c : cases) {
			if (c.get("mentionsTerminologyServer").asBoolean()) {
				continue;
			}
			String text = Files.readString(dir.resolve(c.get("file").asText()));
			boolean expectedInvalid = c.get("javaValidatorErrorCount").asInt() > 0;
			boolean invalid;
			try {
				ValidationResult result = validator.validateWithResult(text);
				invalid = result.getMessages().stream()
						.anyMatch(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal());
			}
			catch (RuntimeException e) {
				// Content HAPI cannot even read is content it refuses.
				invalid = true;
			}
			catch (LinkageError e) {
				// A validator feature whose optional library is absent (e.g. JWS signatures need
				// commons-net): no outcome to compare, reported on its own.
				crashed.add(c.get("name").asText() + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
				continue;
			}
			run++;
			if (invalid == expectedInvalid) {
				agree++;
				if (invalid) {
					bothInvalid++;
				}
				else {
					bothValid++;
				}
			}
			else {
				disagreements.add(c.get("name").asText() + (expectedInvalid ? " (HL7: invalid)" : " (HL7: valid)"));
			}
		}
		double agreement = (double) agree / run;
		String summary = String.format("validator test cases without terminology server: %d compared, %d agree (%.1f %%: %d both"
				+ " invalid, %d both valid), %d disagree; %d not comparable (validator error)", run, agree, 100 * agreement,
				bothInvalid, bothValid, run - agree, crashed.size());
		Files.createDirectories(Path.of("target"));
		Files.writeString(Path.of("target/validator-testcases.txt"), summary + "\ndisagree:\n" + String.join("\n", disagreements) + "\nnot comparable:\n" + String.join("\n", crashed) + "\n");
		assertThat(run).isGreaterThan(150);
		assertThat(agreement).isGreaterThanOrEqualTo(AGREEMENT_FLOOR);
	}

	/** {@code ../shared/data/<relative>} beside the repository; the test is skipped where it is missing. */
	static Path sharedData(String relative) {
		for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
			Path candidate = d.resolveSibling("shared").resolve("data").resolve(relative);
			if (Files.exists(candidate) && Files.isRegularFile(d.resolve("pom.xml"))) {
				return candidate;
			}
		}
		Assumptions.abort("../shared/data/" + relative + " is not beside the repository; skipping");
		throw new IllegalStateException("unreachable");
	}
}
