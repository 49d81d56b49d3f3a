package dev.patient360.routes.fhirr4;

import java.util.Date;
import java.util.Set;

import dev.patient360.profiles.SourceRecord;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FhirR4PageMapperTest {

	private static final FhirR4PageMapper.Context CTX = new FhirR4PageMapper.Context("ehr-1", "demo-ehr",
			"https://fhir.patient360.dev/source/demo-ehr/", Set.of("Patient", "Encounter"));

	@Test
	void encounterBecomesAConditionalUpsertBySourceIdWithItsPatientReferencedBySourceIdentifier() {
		Encounter enc = new Encounter();
		enc.setId("e-1");
		enc.getMeta().setVersionId("7").setLastUpdated(new Date(2000)).addProfile("http://example.org/us-core");
		enc.setSubject(new Reference("Patient/123"));
		enc.setServiceProvider(new Reference("Organization?identifier=x|1").setDisplay("General Hospital"));
		enc.addParticipant().setIndividual(new Reference("https://other.example/Practitioner/9").setDisplay("Dr X"));
		Bundle page = searchset(enc);

		FhirR4PageMapper.Result result = FhirR4PageMapper.map(page, "Encounter", CTX);

		Bundle tx = result.transaction();
		assertThat(result.resources()).isEqualTo(1);
		assertThat(result.newest()).isEqualTo(new Date(2000));
		assertThat(tx.getEntry()).hasSize(2);
		Bundle.BundleEntryComponent e = tx.getEntryFirstRep();
		assertThat(e.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.PUT);
		assertThat(e.getRequest().getUrl())
				.isEqualTo("Encounter?identifier=https%3A%2F%2Ffhir.patient360.dev%2Fsource%2Fdemo-ehr%2FEncounter%7Ce-1");
		Encounter mapped = (Encounter) e.getResource();
		assertThat(mapped.hasId()).isFalse();
		assertThat(mapped.getMeta().hasProfile()).isFalse();
		assertThat(mapped.getMeta().hasVersionId()).isFalse();
		assertThat(mapped.getIdentifier()).anyMatch(i -> i.getSystem().equals("https://fhir.patient360.dev/source/demo-ehr/Encounter")
				&& i.getValue().equals("e-1"));
		assertThat(mapped.getSubject().getReference())
				.isEqualTo("Patient?identifier=https%3A%2F%2Ffhir.patient360.dev%2Fsource%2Fdemo-ehr%2FPatient%7C123");
		assertThat(mapped.getServiceProvider().hasReference()).isFalse();
		assertThat(mapped.getServiceProvider().getDisplay()).isEqualTo("General Hospital");
		assertThat(mapped.getParticipantFirstRep().getIndividual().hasReference()).isFalse();
		SourceRecord sr = SourceRecord.get(mapped);
		assertThat(sr).isEqualTo(new SourceRecord("demo-ehr", "e-1", "ehr-1", null));
		assertThat(mapped.getMeta().getTag("https://fhir.patient360.dev/CodeSystem/source-system", "demo-ehr")).isNotNull();
		Provenance p = (Provenance) tx.getEntry().get(1).getResource();
		assertThat(tx.getEntry().get(1).getRequest().getUrl()).isEqualTo("Provenance/" + p.getIdElement().getIdPart());
		assertThat(p.getTargetFirstRep().getReference()).isEqualTo(e.getFullUrl());
	}

	@Test
	void theSamePageMapsToTheSameTransactionSoReReadingChangesNothing() {
		Patient p = new Patient();
		p.setId("123");
		p.getMeta().setLastUpdated(new Date(1000));
		Bundle a = FhirR4PageMapper.map(searchset(p), "Patient", CTX).transaction();
		Bundle b = FhirR4PageMapper.map(searchset(p.copy()), "Patient", CTX).transaction();
		assertThat(a.equalsDeep(b)).isTrue();
		p.getMeta().setLastUpdated(new Date(5000));
		Bundle changed = FhirR4PageMapper.map(searchset(p), "Patient", CTX).transaction();
		assertThat(changed.getEntry().get(1).getRequest().getUrl()).isNotEqualTo(a.getEntry().get(1).getRequest().getUrl());
	}

	@Test
	void includedAndOtherResourcesAreSkippedAndAnEmptyPageWritesNothing() {
		Patient included = new Patient();
		included.setId("9");
		Bundle page = searchset(included);
		page.getEntryFirstRep().getSearch().setMode(Bundle.SearchEntryMode.INCLUDE);
		FhirR4PageMapper.Result result = FhirR4PageMapper.map(page, "Patient", CTX);
		assertThat(result.resources()).isZero();
		assertThat(result.transaction().getEntry()).isEmpty();
		assertThat(FhirR4PageMapper.map(searchset(included), "Encounter", CTX).resources()).isZero();
	}

	@Test
	void aPatientScopedSearchPointsItsPatientAtTheKnownHubPatientAndDropsOtherPatientReferences() {
		Encounter enc = new Encounter();
		enc.setId("e-2");
		enc.setSubject(new Reference("Patient/src-7"));
		enc.addParticipant().setIndividual(new Reference("Patient/someone-else").setDisplay("Companion"));
		FhirR4PageMapper.Context scoped = new FhirR4PageMapper.Context("ehr-1", "demo-ehr",
				"https://fhir.patient360.dev/source/demo-ehr/", Set.of("Encounter"))
				.withKnownReferences(java.util.Map.of("Patient/src-7", "Patient/42"));

		Encounter mapped = (Encounter) FhirR4PageMapper.map(searchset(enc), "Encounter", scoped).transaction()
				.getEntryFirstRep().getResource();

		assertThat(mapped.getSubject().getReference()).isEqualTo("Patient/42");
		assertThat(mapped.getParticipantFirstRep().getIndividual().hasReference()).isFalse();
		assertThat(mapped.getParticipantFirstRep().getIndividual().getDisplay()).isEqualTo("Companion");
	}

	@Test
	void aResourceWithoutIdIsRefusedWithItsCode() {
		assertThatThrownBy(() -> FhirR4PageMapper.map(searchset(new Patient()), "Patient", CTX))
				.hasMessageStartingWith("HUB-5010");
	}

	private static Bundle searchset(org.hl7.fhir.r4.model.Resource r) {
		Bundle b = new Bundle().setType(Bundle.BundleType.SEARCHSET);
		b.addEntry().setResource(r).getSearch().setMode(Bundle.SearchEntryMode.MATCH);
		return b;
	}
}
