package dev.patient360.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;

import org.hl7.fhir.instance.model.api.IBaseResource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every example in the built package validates against its profile without errors, and every
 * invalid fixture fails with the message of the rule it breaks (src/test/resources/invalid, with
 * the expected message fragment and element in {@code expected-errors.properties}).
 */
class ExamplesValidationTest {

	private static final FhirContext CTX = FhirContext.forR4Cached();
	private static FhirValidator validator;
	private static final Path INVALID = Path.of("src/test/resources/invalid");

	@BeforeAll
	static void validator() {
		validator = EngagementValidation.validator(CTX);
	}

	static List<IBaseResource> examples() {
		return EngagementPackage.examples(CTX);
	}

	static Stream<String> invalidExamples() throws IOException {
		try (Stream<Path> s = Files.list(INVALID)) {
			return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList().stream();
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("examples")
	void everyExampleIsValidAgainstItsProfile(IBaseResource example) {
		assertThat(EngagementPackage.claimsEngagementProfile(example)).isTrue();
		List<String> errors = errors(validator.validateWithResult(example));
		assertThat(errors).as(example.getIdElement().getValue()).isEmpty();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidExamples")
	void everyInvalidExampleFailsWithTheMessageOfItsRule(String file) throws IOException {
		Properties expected = new Properties();
		try (InputStream in = Files.newInputStream(INVALID.resolve("expected-errors.properties"))) {
			expected.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
		}
		IBaseResource resource = CTX.newJsonParser().parseResource(Files.readString(INVALID.resolve(file)));
		assertThat(EngagementPackage.claimsEngagementProfile(resource)).isTrue();
		List<String> errors = errors(validator.validateWithResult(resource));

		String expectation = expected.getProperty(file);
		assertThat(expectation).as("expectation for " + file + " in expected-errors.properties; errors: " + errors)
				.isNotNull();
		String[] elementAndMessage = expectation.split("\\s*::\\s*", 2);
		assertThat(errors).as(file).anySatisfy(e -> {
			assertThat(e).startsWith(elementAndMessage[0]);
			assertThat(e).contains(elementAndMessage[1]);
		});
	}

	/** Errors as {@code location :: message}. */
	static List<String> errors(ValidationResult result) {
		return result.getMessages().stream()
				.filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
				.map(ExamplesValidationTest::describe).toList();
	}

	static String describe(SingleValidationMessage m) {
		return m.getLocationString() + " :: " + m.getMessage();
	}
}
