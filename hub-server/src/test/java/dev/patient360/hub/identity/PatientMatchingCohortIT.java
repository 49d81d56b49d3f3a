package dev.patient360.hub.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.patient360.hub.testsupport.HubIntegrationTest;
import dev.patient360.hub.testsupport.SharedData;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/**
 * The patient index on a generated cohort (SyntheaCohort: 100 Synthea persons in three sources plus
 * twins and same-named parents), loaded over FHIR REST. Precision and recall of the MATCH links are
 * measured pairwise against the known truth and written to target/patient-index-cohort.txt.
 */
class PatientMatchingCohortIT extends HubIntegrationTest {

	static final long SEED = 360L;

	@Test
	void cohortIsLinkedWithHighPrecisionAndRecallAndSourcesAreNeverOverwritten() throws IOException {
		List<SyntheaCohort.Record> records = SyntheaCohort.generate(SharedData.path("synthea-r4/bundles"), 100, SEED);
		Map<String, String> personOf = new HashMap<>();
		Map<String, Patient> sent = new HashMap<>();
		long start = System.nanoTime();
		for (SyntheaCohort.Record record : records) {
			String id = "Patient/" + client().create().resource(record.patient()).execute().getId().getIdPart();
			personOf.put(id, record.person());
			sent.put(id, record.patient());
		}
		double seconds = (System.nanoTime() - start) / 1e9;

		Map<String, String> goldenOf = new HashMap<>();
		int possible = 0;
		for (Parameters.ParametersParameterComponent link : allLinks()) {
			String source = part(link, "sourceResourceId");
			if (!personOf.containsKey(source)) {
				continue;
			}
			if ("MATCH".equals(part(link, "matchResult"))) {
				assertThat(goldenOf.put(source, part(link, "goldenResourceId"))).as("one MATCH per source").isNull();
			}
			else {
				possible++;
			}
		}
		assertThat(goldenOf.keySet()).as("every source Patient is linked").isEqualTo(personOf.keySet());

		long tp = 0;
		long fp = 0;
		long fn = 0;
		List<String> ids = new ArrayList<>(personOf.keySet());
		for (int i = 0; i < ids.size(); i++) {
			for (int j = i + 1; j < ids.size(); j++) {
				boolean same = personOf.get(ids.get(i)).equals(personOf.get(ids.get(j)));
				boolean linked = goldenOf.get(ids.get(i)).equals(goldenOf.get(ids.get(j)));
				tp += same && linked ? 1 : 0;
				fp += !same && linked ? 1 : 0;
				fn += same && !linked ? 1 : 0;
			}
		}
		double precision = tp + fp == 0 ? 1 : (double) tp / (tp + fp);
		double recall = tp + fn == 0 ? 1 : (double) tp / (tp + fn);
		String figures = String.format(java.util.Locale.ROOT,
				"patient-index cohort seed=%d records=%d persons=%d true-pairs=%d tp=%d fp=%d fn=%d precision=%.4f "
						+ "recall=%.4f possible-match-links=%d load=%.1f Patients/s%n",
				SEED, records.size(), personOf.values().stream().distinct().count(), tp + fn, tp, fp, fn, precision,
				recall, possible, records.size() / seconds);
		Files.writeString(Path.of("target", "patient-index-cohort.txt"), figures);

		assertThat(precision).isGreaterThanOrEqualTo(0.99);
		assertThat(recall).isGreaterThanOrEqualTo(0.95);

		// Matching never writes to a source Patient: each is still its first version, as sent.
		for (String id : ids.subList(0, 20)) {
			Patient stored = client().read().resource(Patient.class).withId(id).execute();
			assertThat(stored.getMeta().getVersionId()).isEqualTo("1");
			assertThat(stored.getNameFirstRep().getFamily()).isEqualTo(sent.get(id).getNameFirstRep().getFamily());
			Patient golden = client().read().resource(Patient.class).withId(goldenOf.get(id)).execute();
			assertThat(golden.getMeta().getTag(GoldenRecords.GOLDEN_TAG_SYSTEM, GoldenRecords.GOLDEN_TAG_CODE)).isNotNull();
		}
	}

	private List<Parameters.ParametersParameterComponent> allLinks() {
		List<Parameters.ParametersParameterComponent> links = new ArrayList<>();
		for (int offset = 0;; offset += 1000) {
			Parameters page = client().operation().onType(Patient.class).named("$mdm-query-links")
					.withParameter(Parameters.class, "_offset", new org.hl7.fhir.r4.model.IntegerType(offset))
					.andParameter("_count", new org.hl7.fhir.r4.model.IntegerType(1000)).useHttpGet().execute();
			links.addAll(page.getParameter());
			if (page.getParameter().size() < 1000) {
				return links;
			}
		}
	}

	static String part(Parameters.ParametersParameterComponent link, String name) {
		return link.getPart().stream().filter(p -> name.equals(p.getName())).findFirst()
				.map(p -> p.getValue().primitiveValue()).orElse(null);
	}
}
