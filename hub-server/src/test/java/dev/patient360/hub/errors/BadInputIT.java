package dev.patient360.hub.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import dev.patient360.hub.testsupport.HubIntegrationTest;
import dev.patient360.hub.testsupport.SharedData;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Hostile and broken bodies: each gets a 4xx with an OperationOutcome, never a 5xx, and no XML
 * entity is ever resolved.
 */
class BadInputIT extends HubIntegrationTest {

	@TestFactory
	Stream<DynamicTest> everyMalformedJsonDocumentIsA4xxWithAnOperationOutcome() {
		return files(SharedData.path("bad-input/json-test-suite/test_parsing"))
				.filter(f -> f.getFileName().toString().startsWith("n_"))
				.map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
					HttpResponse<String> response = httpBytes("POST", "/Patient", Files.readAllBytes(f),
							"application/fhir+json");
					assertClientErrorWithOutcome(response);
				}));
	}

	@TestFactory
	Stream<DynamicTest> everyXxePayloadIsRefusedAndNoEntityIsResolved() {
		Path dir = SharedData.path("bad-input/xxe-payloads");
		Stream<DynamicTest> xmlFiles = files(dir).filter(f -> f.toString().endsWith(".xml"))
				.map(f -> DynamicTest.dynamicTest(dir.relativize(f).toString(),
						() -> assertRefused(Files.readAllBytes(f))));
		List<String> fuzzLines = lines(dir.resolve("PayloadsAllTheThings/XXE_Fuzzing.loopback-only.txt"));
		Stream<DynamicTest> fuzz = java.util.stream.IntStream.range(0, fuzzLines.size())
				.filter(i -> !fuzzLines.get(i).isBlank())
				.mapToObj(i -> DynamicTest.dynamicTest("XXE_Fuzzing line " + (i + 1),
						() -> assertRefused(fuzzLines.get(i).getBytes(StandardCharsets.UTF_8))));
		return Stream.concat(xmlFiles, fuzz);
	}

	@Test
	void aDoctypeInAnXmlBodyIsRefusedWithItsOwnCode() {
		String xml = "<?xml version=\"1.0\"?><!DOCTYPE Patient [<!ENTITY x \"y\">]>"
				+ "<Patient xmlns=\"http://hl7.org/fhir\"><active value=\"true\"/></Patient>";
		HttpResponse<String> response = httpBytes("POST", "/Patient", xml.getBytes(StandardCharsets.UTF_8),
				"application/fhir+xml");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).contains("HUB-0401");
	}

	@Test
	void aWellFormedXmlPatientIsStillAccepted() {
		String xml = "<Patient xmlns=\"http://hl7.org/fhir\"><active value=\"true\"/></Patient>";
		HttpResponse<String> response = httpBytes("POST", "/Patient", xml.getBytes(StandardCharsets.UTF_8),
				"application/fhir+xml");
		assertThat(response.statusCode()).isEqualTo(201);
	}

	@Test
	void anUnknownResourceTypeIs404WithAnOperationOutcome() {
		HttpResponse<String> response = http("GET", "/NoSuchType/1", null);
		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(parse(OperationOutcome.class, response.body()).getIssueFirstRep().getDiagnostics())
				.contains("NoSuchType");
	}

	@Test
	void anUnknownElementOrABadValueIsRejectedNotSilentlyDropped() {
		HttpResponse<String> unknownElement = http("POST", "/Patient", "{\"resourceType\":\"Patient\",\"colour\":\"blue\"}");
		assertClientErrorWithOutcome(unknownElement);
		assertThat(unknownElement.body()).contains("colour");
		HttpResponse<String> badDate = http("POST", "/Patient", "{\"resourceType\":\"Patient\",\"birthDate\":\"32.13.1980\"}");
		assertClientErrorWithOutcome(badDate);
	}

	@Test
	void aResourceOfTheWrongTypeForTheEndpointIsA4xx() {
		HttpResponse<String> response = http("POST", "/Patient", "{\"resourceType\":\"Observation\",\"status\":\"final\","
				+ "\"code\":{\"text\":\"x\"}}");
		assertClientErrorWithOutcome(response);
	}

	private void assertRefused(byte[] body) {
		HttpResponse<String> response = httpBytes("POST", "/Patient", body, "application/fhir+xml");
		assertClientErrorWithOutcome(response);
		assertThat(response.body()).doesNotContain("root:x:0:0").doesNotContain("lol1lol1");
	}

	private void assertClientErrorWithOutcome(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isBetween(400, 499);
		OperationOutcome outcome = parse(OperationOutcome.class, response.body());
		assertThat(outcome.getIssue()).isNotEmpty();
		assertThat(outcome.getIssueFirstRep().getSeverity())
				.isIn(OperationOutcome.IssueSeverity.ERROR, OperationOutcome.IssueSeverity.FATAL);
		assertThat(response.body()).doesNotContain("\tat ").doesNotContain("Exception:");
	}

	private static Stream<Path> files(Path dir) {
		try (Stream<Path> walk = Files.walk(dir)) {
			return walk.filter(Files::isRegularFile).sorted().toList().stream();
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	private static List<String> lines(Path file) {
		try {
			return Files.readAllLines(file, StandardCharsets.UTF_8);
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}
}
