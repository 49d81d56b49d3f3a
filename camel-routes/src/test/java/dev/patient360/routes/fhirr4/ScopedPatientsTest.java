package dev.patient360.routes.fhirr4;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ScopedPatientsTest {

	private static final String OWN = "https://fhir.patient360.dev/source/demo-ehr/Patient";
	private static final String MRN = "urn:oid:2.25.1234";

	@Test
	void theHubSearchAsksForEitherSystemWithIdentifiersOnly() {
		assertThat(new ScopedPatients(OWN, MRN).firstSearch(200)).isEqualTo(
				"Patient?identifier=https%3A%2F%2Ffhir.patient360.dev%2Fsource%2Fdemo-ehr%2FPatient%7C,urn%3Aoid%3A2.25.1234%7C"
						+ "&_elements=identifier&_count=200");
		assertThat(new ScopedPatients(OWN, " ").firstSearch(50))
				.isEqualTo("Patient?identifier=https%3A%2F%2Ffhir.patient360.dev%2Fsource%2Fdemo-ehr%2FPatient%7C&_elements=identifier&_count=50");
	}

	@Test
	void theSourceIdIsPreferredOverTheMrnAndAnMrnAloneNeedsALookup() {
		ScopedPatients list = new ScopedPatients(OWN, MRN);
		list.add(page(patient("1", MRN, "mrn-1", OWN, "src-1"), patient("2", MRN, "mrn-2"), patient("3", "urn:other", "x")));

		assertThat(list.patients()).containsExactly(
				new ScopedPatients.ScopedPatient("1", OWN, "src-1", true),
				new ScopedPatients.ScopedPatient("2", MRN, "mrn-2", false));
	}

	@Test
	void goldenRecordsDoNotCountAndTheFirstHubPatientOfASourcePatientWinsAcrossPages() {
		ScopedPatients list = new ScopedPatients(OWN, MRN);
		Patient golden = patient("9", OWN, "src-1");
		golden.getMeta().addTag(ScopedPatients.GOLDEN_TAG_SYSTEM, "golden", null);
		list.add(page(golden, patient("1", OWN, "src-1")));
		list.add(page(patient("5", OWN, "src-1"), patient("6", MRN, "mrn-6")));

		assertThat(list.patients()).extracting(ScopedPatients.ScopedPatient::hubId).containsExactly("1", "6");
	}

	@Test
	void withoutAPatientIdentifierSystemOnlyTheSourceIdCounts() {
		ScopedPatients list = new ScopedPatients(OWN, null);
		list.add(page(patient("1", MRN, "mrn-1"), patient("2", OWN, "src-2")));
		assertThat(list.patients()).extracting(ScopedPatients.ScopedPatient::key).containsExactly(OWN + "|src-2");
	}

	@Test
	void anIdentifierSearchAtTheSourceYieldsTheDistinctIdsOfItsMatches() {
		Bundle answer = page(patient("a", MRN, "m"), patient("a", MRN, "m"), patient("b", MRN, "m"));
		answer.addEntry().setResource(patient("inc", MRN, "m")).getSearch().setMode(Bundle.SearchEntryMode.INCLUDE);
		assertThat(PatientScopedPull.sourcePatientIds(answer)).containsExactly("a", "b");
		assertThat(PatientScopedPull.sourcePatientIds(new Bundle())).isEmpty();
	}

	private static Patient patient(String id, String... systemsAndValues) {
		Patient p = new Patient();
		p.setId(id);
		for (int i = 0; i < systemsAndValues.length; i += 2) {
			p.addIdentifier().setSystem(systemsAndValues[i]).setValue(systemsAndValues[i + 1]);
		}
		return p;
	}

	private static Bundle page(Patient... patients) {
		Bundle b = new Bundle().setType(Bundle.BundleType.SEARCHSET);
		for (Patient p : patients) {
			b.addEntry().setResource(p).getSearch().setMode(Bundle.SearchEntryMode.MATCH);
		}
		return b;
	}
}
