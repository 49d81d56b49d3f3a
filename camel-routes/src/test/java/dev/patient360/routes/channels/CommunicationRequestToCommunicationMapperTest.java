package dev.patient360.routes.channels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.CommunicationRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One golden file per outcome under {@code src/test/resources/channels/golden}; regenerate after a
 * deliberate change with {@code -Dgolden.write=true} and review the diff.
 */
class CommunicationRequestToCommunicationMapperTest {

	private static final FhirContext FHIR = FhirContext.forR4Cached();
	private static final Path DIR = Path.of("src/test/resources/channels");
	private static final Instant AT = Instant.parse("2026-11-28T07:00:05Z");

	@ParameterizedTest(name = "{0}")
	@CsvSource({
			"SENT,       sim-42, Communication-sent-email-appointment-reminder.json",
			"FAILED,     ,       Communication-failed-email-appointment-reminder.json",
			"NO_ADDRESS, ,       Communication-no-address-email-appointment-reminder.json",
			"UNKNOWN,    ,       Communication-unknown-email-appointment-reminder.json"})
	void eachOutcomeBecomesTheCommunicationOfItsGoldenFile(DeliveryOutcome.Kind kind, String providerId, String golden)
			throws IOException {
		CommunicationRequest request = FHIR.newJsonParser().parseResource(CommunicationRequest.class,
				Files.readString(DIR.resolve("CommunicationRequest-appointment-reminder-email-version-2.json")));

		Communication mapped = CommunicationRequestToCommunicationMapper.map(request, new DeliveryOutcome(kind, AT, providerId));

		String actual = FHIR.newJsonParser().setPrettyPrint(true).encodeResourceToString(mapped) + "\n";
		Path file = DIR.resolve("golden").resolve(golden);
		if (Boolean.getBoolean("golden.write")) {
			Files.createDirectories(file.getParent());
			Files.writeString(file, actual);
		}
		assertThat(actual).isEqualTo(Files.readString(file));
	}
}
