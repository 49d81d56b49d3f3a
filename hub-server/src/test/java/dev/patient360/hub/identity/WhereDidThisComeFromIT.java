package dev.patient360.hub.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.patient360.hub.testsupport.HubIntegrationTest;
import dev.patient360.profiles.Canonicals;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

/**
 * "Where did this come from": for a golden record, the index's Provenances say how it was composed
 * (which source joined when, why, by whom); for a clinical fact, the Provenance its connector sent in
 * the same transaction names the sending system.
 */
class WhereDidThisComeFromIT extends HubIntegrationTest {

	@Test
	void provenanceOfAGoldenRecordTellsHowItWasComposedAndOfAnEncounterWhoSentIt() {
		Ingested first = ingest("clinic-a", "Herkunft", "Wilma", "1958-05-05", "W-1");
		Ingested second = ingest("clinic-b", "Herkunft", "Wilma", "1958-05-05", "W-2");
		String golden = goldenOf(first.patient);
		assertThat(goldenOf(second.patient)).isEqualTo(golden);

		List<Provenance> ofGolden = provenances("Provenance?target=" + golden);
		assertThat(ofGolden).extracting(WhereDidThisComeFromIT::activity).containsExactlyInAnyOrder("NEW_GOLDEN", "AUTO_LINK");
		Provenance joined = ofGolden.stream().filter(p -> activity(p).equals("AUTO_LINK")).findFirst().orElseThrow();
		assertThat(joined.getTarget()).extracting(Reference::getReference).containsExactly(golden, second.patient);
		assertThat(joined.getAgentFirstRep().getWho().getDisplay()).isEqualTo("Patient 360 Hub patient index");
		assertThat(joined.getReasonFirstRep().getText()).startsWith("AUTO MATCH, score ");
		assertThat(joined.getMeta().getTag(Canonicals.CS_SOURCE_SYSTEM, IndexProvenance.SOURCE_CODE)).isNotNull();

		List<Provenance> ofEncounter = provenances("Provenance?target=" + first.encounter);
		assertThat(ofEncounter).hasSize(1);
		assertThat(ofEncounter.get(0).getAgentFirstRep().getWho().getDisplay()).isEqualTo("clinic-a ADT");
		assertThat(ofEncounter.get(0).getTarget()).extracting(Reference::getReference)
				.containsExactlyInAnyOrder(first.patient, first.encounter);

		Bundle everything = client().operation().onInstance(golden).named("$everything")
				.withParameter(Parameters.class, "_count", new IntegerType(100)).useHttpGet()
				.returnResourceType(Bundle.class).execute();
		for (Bundle.BundleEntryComponent entry : everything.getEntry()) {
			Resource r = entry.getResource();
			boolean goldenRecord = r.getMeta().getTag(GoldenRecords.GOLDEN_TAG_SYSTEM, GoldenRecords.GOLDEN_TAG_CODE) != null;
			assertThat(goldenRecord || r.getMeta().getTag().stream().anyMatch(t -> Canonicals.CS_SOURCE_SYSTEM.equals(t.getSystem())))
					.as("source marker of " + r.getIdElement().toUnqualifiedVersionless().getValue()).isTrue();
		}
	}

	@Test
	void aMergeAndItsUndoAreRecordedOnBothGoldenRecords() {
		String a = goldenOf(ingest("clinic-a", "Zusammen", "Otto", "1949-09-09", "W-3").patient);
		Ingested other = ingest("clinic-b", "Zusammen", "Paula", "1951-01-01", "W-4");
		String b = goldenOf(other.patient);
		client().operation().onType(Patient.class).named("$mdm-merge-golden-resources")
				.withParameter(Parameters.class, "fromGoldenResourceId", new StringType(b))
				.andParameter("toGoldenResourceId", new StringType(a)).returnResourceType(Patient.class).execute();
		client().operation().onType(Patient.class).named("$mdm-unmerge")
				.withParameter(Parameters.class, "goldenResourceId", new StringType(b)).execute();

		List<Provenance> ofB = provenances("Provenance?target=" + b);
		assertThat(ofB).extracting(WhereDidThisComeFromIT::activity).contains("NEW_GOLDEN", "MERGE", "UNMERGE");
		Provenance merge = ofB.stream().filter(p -> activity(p).equals("MERGE")).findFirst().orElseThrow();
		assertThat(merge.getTarget()).extracting(Reference::getReference).containsExactly(a, b, other.patient);
		assertThat(provenances("Provenance?target=" + a)).extracting(WhereDidThisComeFromIT::activity)
				.contains("MERGE", "UNMERGE");
	}

	private record Ingested(String patient, String encounter) {
	}

	/** A connector's transaction: Patient, Encounter and the Provenance naming both. */
	private Ingested ingest(String source, String family, String given, String birthDate, String mrn) {
		Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		Patient patient = PatientIndexStewardshipIT.patient(source, family, given, birthDate, "04109", mrn);
		tx.addEntry().setFullUrl("urn:uuid:" + java.util.UUID.randomUUID()).setResource(patient).getRequest()
				.setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
		String patientUrl = tx.getEntry().get(0).getFullUrl();
		Encounter encounter = new Encounter();
		encounter.getMeta().addTag(Canonicals.CS_SOURCE_SYSTEM, source, null);
		encounter.setStatus(Encounter.EncounterStatus.FINISHED);
		encounter.getClass_().setSystem("http://terminology.hl7.org/CodeSystem/v3-ActCode").setCode("AMB");
		encounter.setSubject(new Reference(patientUrl));
		tx.addEntry().setFullUrl("urn:uuid:" + java.util.UUID.randomUUID()).setResource(encounter).getRequest()
				.setMethod(Bundle.HTTPVerb.POST).setUrl("Encounter");
		String encounterUrl = tx.getEntry().get(1).getFullUrl();
		Provenance provenance = new Provenance();
		provenance.getMeta().addTag(Canonicals.CS_SOURCE_SYSTEM, source, null);
		provenance.addTarget(new Reference(patientUrl));
		provenance.addTarget(new Reference(encounterUrl));
		provenance.setRecorded(new java.util.Date());
		provenance.getActivity().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/v3-DataOperation")
				.setCode("UPDATE");
		provenance.addAgent().setWho(new Reference().setDisplay(source + " ADT"));
		tx.addEntry().setResource(provenance).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Provenance");
		Bundle response = client().transaction().withBundle(tx).execute();
		return new Ingested(location(response, 0), location(response, 1));
	}

	private static String location(Bundle response, int index) {
		return new org.hl7.fhir.r4.model.IdType(response.getEntry().get(index).getResponse().getLocation())
				.toUnqualifiedVersionless().getValue();
	}

	private List<Provenance> provenances(String url) {
		return client().search().byUrl(url + "&_count=100").returnBundle(Bundle.class).execute().getEntry().stream()
				.map(e -> (Provenance) e.getResource()).toList();
	}

	private static String activity(Provenance p) {
		return p.getActivity().getCoding().stream().filter(c -> IndexProvenance.ACTIVITY_SYSTEM.equals(c.getSystem()))
				.map(Coding::getCode).findFirst().orElse("(connector)");
	}

	private String goldenOf(String source) {
		Parameters links = client().operation().onType(Patient.class).named("$mdm-query-links")
				.withParameter(Parameters.class, "resourceId", new StringType(source))
				.andParameter("matchResult", new StringType("MATCH")).useHttpGet().execute();
		assertThat(links.getParameter()).hasSize(1);
		return PatientMatchingCohortIT.part(links.getParameter().get(0), "goldenResourceId");
	}
}
