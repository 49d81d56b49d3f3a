package dev.patient360.routes.fhirr4;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import ca.uhn.fhir.context.FhirContext;
import dev.patient360.routes.testsupport.Golden;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Source FHIR in → hub transaction out, compared with golden files: a search page of the fhir-r4
 * type, and NDJSON lines as the fhir-bulk type batches them. {@code -Dgolden.update=true} rewrites
 * the golden files (review the diff).
 */
class FhirR4PageMapperGoldenTest {

	private static final FhirContext FHIR = FhirContext.forR4Cached();
	private static final FhirR4PageMapper.Context CTX = new FhirR4PageMapper.Context("ehr-1", "demo-ehr",
			"https://fhir.patient360.dev/source/demo-ehr/", Set.of("Patient", "Encounter"));

	@Test
	void aSearchPageBecomesConditionalUpsertsWithResolvedReferencesAndOneProvenance() throws IOException {
		String name = "searchset-patient-and-encounter-with-practitioner-and-location-refs";
		Bundle page = FHIR.newJsonParser().parseResource(Bundle.class,
				Files.readString(Path.of("src/test/resources/fhirr4/source/" + name + ".json")));

		Bundle tx = FhirR4PageMapper.map(page, "Patient", CTX).transaction();

		assertGolden(Path.of("src/test/resources/fhirr4/golden/" + name + ".transaction.json"), tx);
		assertThat(Golden.validationErrors(tx)).as("the Patient against engagement-patient, the rest against R4").isEmpty();
	}

	@Test
	void bulkNdjsonLinesBecomeOneTransactionWithTheBulkProvenance() throws IOException {
		String name = "encounters-referencing-patient-practitioner-and-location";
		List<Resource> lines = Files.readAllLines(Path.of("src/test/resources/fhirbulk/source/" + name + ".ndjson")).stream()
				.map(l -> (Resource) FHIR.newJsonParser().parseResource(l)).toList();

		Bundle tx = FhirR4PageMapper.map(lines, "Encounter", CTX,
				new FhirR4PageMapper.Origin("fhirbulk-", "FHIR Bulk Data export of demo-ehr")).transaction();

		assertGolden(Path.of("src/test/resources/fhirbulk/golden/" + name + ".transaction.json"), tx);
		assertThat(Golden.validationErrors(tx)).isEmpty();
	}

	private static void assertGolden(Path golden, Bundle actual) throws IOException {
		String json = FHIR.newJsonParser().setPrettyPrint(true).encodeResourceToString(actual) + "\n";
		if (Boolean.getBoolean("golden.update")) {
			Files.writeString(golden, json);
		}
		assertThat(json).isEqualTo(Files.readString(golden));
	}
}
