package dev.patient360.hub.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.gclient.TokenClientParam;

import dev.patient360.hub.testsupport.HubIntegrationTest;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/** The FHIR REST interactions the hub promises, each checked on the response body. */
class FhirRestApiIT extends HubIntegrationTest {

	private static final String MRN = "urn:oid:1.2.276.0.76.4.99";

	private static String unique() {
		return UUID.randomUUID().toString();
	}

	private Patient newPatient(String family, String given, String mrn) {
		Patient p = new Patient();
		p.addName().setFamily(family).addGiven(given);
		p.addIdentifier().setSystem(MRN).setValue(mrn);
		p.setGender(AdministrativeGender.FEMALE);
		p.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1980-02-03"));
		return p;
	}

	@Test
	void metadataDescribesAnR4ServerWithPatientSearchAndTransactions() {
		HttpResponse<String> response = http("GET", "/metadata", null);
		assertThat(response.statusCode()).isEqualTo(200);
		CapabilityStatement cs = parse(CapabilityStatement.class, response.body());
		assertThat(cs.getFhirVersion().toCode()).isEqualTo("4.0.1");
		assertThat(cs.getSoftware().getName()).isEqualTo("Patient 360 Hub");
		CapabilityStatement.CapabilityStatementRestResourceComponent patient = cs.getRestFirstRep().getResource()
				.stream().filter(r -> r.getType().equals("Patient")).findFirst().orElseThrow();
		assertThat(patient.getSearchParam()).extracting(p -> p.getName()).contains("family", "birthdate", "identifier");
		assertThat(cs.getRestFirstRep().getInteraction()).extracting(i -> i.getCode().toCode())
				.contains("transaction");
	}

	@Test
	void createAssignsAServerIdAndReadReturnsWhatWasStored() {
		HttpResponse<String> created = http("POST", "/Patient", json(newPatient("Müller", "Anna", unique())));
		assertThat(created.statusCode()).isEqualTo(201);
		String location = created.headers().firstValue("Location").orElseThrow();
		assertThat(location).matches(".*/fhir/Patient/\\d+/_history/1");
		String id = location.replaceAll(".*/Patient/(\\d+)/_history/1", "$1");

		HttpResponse<String> read = http("GET", "/Patient/" + id, null);
		assertThat(read.statusCode()).isEqualTo(200);
		assertThat(read.headers().firstValue("ETag")).contains("W/\"1\"");
		Patient stored = parse(Patient.class, read.body());
		assertThat(stored.getNameFirstRep().getFamily()).isEqualTo("Müller");
		assertThat(stored.getBirthDateElement().getValueAsString()).isEqualTo("1980-02-03");
		assertThat(stored.getMeta().getVersionId()).isEqualTo("1");
	}

	@Test
	void updateMakesANewVersionAndVreadAndHistoryKeepTheOldOne() {
		Patient p = newPatient("Schmidt", "Jonas", unique());
		String id = client().create().resource(p).execute().getId().getIdPart();
		p.setId(id);
		p.getNameFirstRep().setFamily("Schmitt");
		MethodOutcome updated = client().update().resource(p).execute();
		assertThat(updated.getId().getVersionIdPart()).isEqualTo("2");

		Patient v1 = parse(Patient.class, http("GET", "/Patient/" + id + "/_history/1", null).body());
		assertThat(v1.getNameFirstRep().getFamily()).isEqualTo("Schmidt");
		Bundle history = parse(Bundle.class, http("GET", "/Patient/" + id + "/_history", null).body());
		assertThat(history.getType()).isEqualTo(Bundle.BundleType.HISTORY);
		assertThat(history.getEntry()).extracting(e -> ((Patient) e.getResource()).getNameFirstRep().getFamily())
				.containsExactly("Schmitt", "Schmidt");
	}

	@Test
	void ifMatchWithAStaleVersionIsRefusedWith412WhetherOrNotTheBodyChanged() {
		Patient p = newPatient("Weber", "Lea", unique());
		String id = client().create().resource(p).execute().getId().getIdPart();
		p.setId(id);
		p.setActive(true);
		assertThat(http("PUT", "/Patient/" + id, json(p), "If-Match", "W/\"1\"").statusCode()).isEqualTo(200);

		HttpResponse<String> staleSameBody = http("PUT", "/Patient/" + id, json(p), "If-Match", "W/\"1\"");
		assertThat(staleSameBody.statusCode()).isEqualTo(412);
		assertThat(parse(OperationOutcome.class, staleSameBody.body()).getIssueFirstRep().getDiagnostics())
				.startsWith("HUB-0412");
		p.setActive(false);
		HttpResponse<String> staleNewBody = http("PUT", "/Patient/" + id, json(p), "If-Match", "W/\"1\"");
		assertThat(staleNewBody.statusCode()).isEqualTo(412);
		assertThat(parse(Patient.class, http("GET", "/Patient/" + id, null).body()).getActive()).isTrue();
	}

	@Test
	void jsonPatchAndFhirPathPatchChangeOnlyWhatTheyName() {
		String id = client().create().resource(newPatient("Fischer", "Mia", unique())).execute().getId().getIdPart();
		HttpResponse<String> patched = send("PATCH", "/Patient/" + id,
				"[{\"op\":\"replace\",\"path\":\"/gender\",\"value\":\"male\"}]", "application/json-patch+json");
		assertThat(patched.statusCode()).isEqualTo(200);
		Patient afterJsonPatch = parse(Patient.class, http("GET", "/Patient/" + id, null).body());
		assertThat(afterJsonPatch.getGender()).isEqualTo(AdministrativeGender.MALE);
		assertThat(afterJsonPatch.getNameFirstRep().getFamily()).isEqualTo("Fischer");

		String fhirPathPatch = """
				{"resourceType":"Parameters","parameter":[{"name":"operation","part":[
				 {"name":"type","valueCode":"replace"},{"name":"path","valueString":"Patient.birthDate"},
				 {"name":"value","valueDate":"1981-03-04"}]}]}""";
		assertThat(http("PATCH", "/Patient/" + id, fhirPathPatch).statusCode()).isEqualTo(200);
		Patient afterFhirPathPatch = parse(Patient.class, http("GET", "/Patient/" + id, null).body());
		assertThat(afterFhirPathPatch.getBirthDateElement().getValueAsString()).isEqualTo("1981-03-04");
		assertThat(afterFhirPathPatch.getMeta().getVersionId()).isEqualTo("3");
	}

	@Test
	void deleteMakesReadAnswer410AndKeepsTheHistory() {
		String id = client().create().resource(newPatient("Wagner", "Paul", unique())).execute().getId().getIdPart();
		assertThat(http("DELETE", "/Patient/" + id, null).statusCode()).isEqualTo(200);
		HttpResponse<String> gone = http("GET", "/Patient/" + id, null);
		assertThat(gone.statusCode()).isEqualTo(410);
		assertThat(parse(OperationOutcome.class, gone.body()).getIssue()).isNotEmpty();
		Bundle history = parse(Bundle.class, http("GET", "/Patient/" + id + "/_history", null).body());
		assertThat(history.getEntry()).hasSize(2);
		assertThat(history.getEntryFirstRep().getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.DELETE);
	}

	@Test
	void conditionalCreateReturnsTheExistingResourceInsteadOfADuplicate() {
		String mrn = unique();
		String body = json(newPatient("Becker", "Emma", mrn));
		String condition = "identifier=" + MRN + "|" + mrn;
		HttpResponse<String> first = http("POST", "/Patient", body, "If-None-Exist", condition);
		HttpResponse<String> second = http("POST", "/Patient", body, "If-None-Exist", condition);
		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(second.statusCode()).isEqualTo(200);
		assertThat(second.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
		assertThat(searchCount("/Patient?identifier=" + MRN + "|" + mrn)).isEqualTo(1);
	}

	@Test
	void conditionalUpdateCreatesOnceThenUpdatesTheSameResource() {
		String mrn = unique();
		String url = "/Patient?identifier=" + MRN + "|" + mrn;
		HttpResponse<String> created = http("PUT", url, json(newPatient("Hoffmann", "Ben", mrn)));
		assertThat(created.statusCode()).isEqualTo(201);
		HttpResponse<String> updated = http("PUT", url, json(newPatient("Hofmann", "Ben", mrn)));
		assertThat(updated.statusCode()).isEqualTo(200);
		Patient current = parse(Patient.class, updated.body());
		assertThat(current.getMeta().getVersionId()).isEqualTo("2");
		assertThat(current.getNameFirstRep().getFamily()).isEqualTo("Hofmann");
		assertThat(searchCount(url)).isEqualTo(1);
	}

	@Test
	void conditionalDeleteRemovesTheMatchingResource() {
		String mrn = unique();
		client().create().resource(newPatient("Koch", "Lina", mrn)).execute();
		String url = "/Patient?identifier=" + MRN + "|" + mrn;
		assertThat(http("DELETE", url, null).statusCode()).isEqualTo(200);
		assertThat(searchCount(url)).isZero();
	}

	@Test
	void atomicTransactionResolvesUrnUuidReferencesAcrossEntries() {
		String mrn = unique();
		Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		tx.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(newPatient("Richter", "Noah", mrn))
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
		String patientUrn = tx.getEntryFirstRep().getFullUrl();
		Encounter enc = new Encounter().setStatus(Encounter.EncounterStatus.FINISHED);
		enc.getClass_().setSystem("http://terminology.hl7.org/CodeSystem/v3-ActCode").setCode("AMB");
		enc.setSubject(new Reference(patientUrn));
		tx.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(enc)
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Encounter");

		Bundle response = parse(Bundle.class, http("POST", "", json(tx)).body());
		assertThat(response.getType()).isEqualTo(Bundle.BundleType.TRANSACTIONRESPONSE);
		assertThat(response.getEntry()).allSatisfy(e -> assertThat(e.getResponse().getStatus()).startsWith("201"));
		String patientId = response.getEntry().get(0).getResponse().getLocation().split("/")[1];

		Bundle encounters = parse(Bundle.class, http("GET", "/Encounter?patient=" + patientId, null).body());
		assertThat(encounters.getEntry()).hasSize(1);
		assertThat(((Encounter) encounters.getEntryFirstRep().getResource()).getSubject().getReference())
				.isEqualTo("Patient/" + patientId);
	}

	@Test
	void batchProcessesEntriesIndependently() {
		Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
		batch.addEntry().setResource(newPatient("Klein", "Ida", unique())).getRequest()
				.setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
		batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Patient/does-not-exist-" + unique());
		Bundle response = parse(Bundle.class, http("POST", "", json(batch)).body());
		assertThat(response.getType()).isEqualTo(Bundle.BundleType.BATCHRESPONSE);
		assertThat(response.getEntry().get(0).getResponse().getStatus()).startsWith("201");
		assertThat(response.getEntry().get(1).getResponse().getStatus()).startsWith("404");
	}

	@Test
	void chainedSearchIncludeRevincludeAndSortWorkTogether() {
		String tag = unique();
		Organization org = new Organization().setName("Praxis " + tag);
		org.addIdentifier().setSystem("urn:test:org").setValue(tag);
		String orgId = client().create().resource(org).execute().getId().getIdPart();
		Patient a = newPatient("Zimmer-" + tag, "A", unique());
		a.setManagingOrganization(new Reference("Organization/" + orgId));
		a.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1990-01-01"));
		Patient b = newPatient("Zimmer-" + tag, "B", unique());
		b.setManagingOrganization(new Reference("Organization/" + orgId));
		b.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1970-01-01"));
		String aId = client().create().resource(a).execute().getId().getIdPart();
		client().create().resource(b).execute();
		Observation obs = new Observation().setStatus(Observation.ObservationStatus.FINAL);
		obs.getCode().setText("weight");
		obs.setSubject(new Reference("Patient/" + aId));
		client().create().resource(obs).execute();

		Bundle chained = parse(Bundle.class, http("GET",
				"/Patient?organization.identifier=urn:test:org|" + tag + "&_sort=birthdate&_include=Patient:organization",
				null).body());
		List<String> families = chained.getEntry().stream()
				.filter(e -> e.getResource() instanceof Patient)
				.map(e -> ((Patient) e.getResource()).getNameFirstRep().getGivenAsSingleString()).toList();
		assertThat(families).containsExactly("B", "A");
		assertThat(chained.getEntry()).filteredOn(e -> e.getSearch().getMode() == Bundle.SearchEntryMode.INCLUDE)
				.extracting(e -> e.getResource().getIdElement().getIdPart()).containsExactly(orgId);

		Bundle revinclude = parse(Bundle.class, http("GET",
				"/Patient?_id=" + aId + "&_revinclude=Observation:subject", null).body());
		assertThat(revinclude.getEntry()).extracting(e -> e.getResource().fhirType())
				.containsExactlyInAnyOrder("Patient", "Observation");
	}

	@Test
	void countPagesThroughEveryMatchExactlyOnce() {
		String family = "Pager" + unique().substring(0, 8);
		for (int i = 0; i < 7; i++) {
			client().create().resource(newPatient(family, "P" + i, unique())).execute();
		}
		Bundle page = parse(Bundle.class, http("GET", "/Patient?family=" + family + "&_count=3", null).body());
		List<String> seen = new java.util.ArrayList<>();
		int pages = 0;
		while (true) {
			pages++;
			page.getEntry().forEach(e -> seen.add(e.getResource().getIdElement().getIdPart()));
			Bundle.BundleLinkComponent next = page.getLink(Bundle.LINK_NEXT);
			if (next == null) {
				break;
			}
			page = client().loadPage().next(page).execute();
		}
		assertThat(pages).isEqualTo(3);
		assertThat(seen).hasSize(7).doesNotHaveDuplicates();
	}

	@Test
	void summaryAndElementsTrimTheResources() {
		String family = "Summ" + unique().substring(0, 8);
		client().create().resource(newPatient(family, "S", unique())).execute();
		Bundle count = parse(Bundle.class, http("GET", "/Patient?family=" + family + "&_summary=count", null).body());
		assertThat(count.getTotal()).isEqualTo(1);
		assertThat(count.getEntry()).isEmpty();

		Bundle elements = parse(Bundle.class, http("GET", "/Patient?family=" + family + "&_elements=name", null).body());
		Patient trimmed = (Patient) elements.getEntryFirstRep().getResource();
		assertThat(trimmed.getNameFirstRep().getFamily()).isEqualTo(family);
		assertThat(trimmed.hasBirthDate()).isFalse();
		assertThat(trimmed.getIdentifier()).isEmpty();

		Bundle summary = client().search().forResource(Patient.class)
				.where(Patient.FAMILY.matchesExactly().value(family)).summaryMode(SummaryEnum.TRUE)
				.returnBundle(Bundle.class).execute();
		assertThat(summary.getEntry()).hasSize(1);
	}

	@Test
	void lastUpdatedFiltersByWriteTime() {
		String family = "Late" + unique().substring(0, 8);
		Patient created = (Patient) client().create().resource(newPatient(family, "L", unique())).execute().getResource();
		String since = created.getMeta().getLastUpdatedElement().getValueAsString();
		assertThat(searchCount("/Patient?family=" + family + "&_lastUpdated=ge" + since.replace("+", "%2B"))).isEqualTo(1);
		assertThat(searchCount("/Patient?family=" + family + "&_lastUpdated=lt" + since.replace("+", "%2B"))).isZero();
	}

	@Test
	void everythingReturnsThePatientAndTheirCompartment() {
		String id = client().create().resource(newPatient("Alles", "E", unique())).execute().getId().getIdPart();
		Encounter enc = new Encounter().setStatus(Encounter.EncounterStatus.FINISHED);
		enc.getClass_().setCode("AMB");
		enc.setSubject(new Reference("Patient/" + id));
		client().create().resource(enc).execute();
		Bundle everything = parse(Bundle.class, http("GET", "/Patient/" + id + "/$everything", null).body());
		// The Provenance is the patient index's record of linking this Patient to its golden record.
		assertThat(everything.getEntry()).extracting(e -> e.getResource().fhirType())
				.containsExactlyInAnyOrder("Patient", "Encounter", "Provenance");
	}

	@Test
	void validateReportsErrorsWithoutStoringAnything() {
		String invalid = "{\"resourceType\":\"Patient\",\"gender\":\"not-a-gender\"}";
		HttpResponse<String> response = http("POST", "/Patient/$validate", invalid);
		assertThat(response.statusCode()).isBetween(400, 422);
		OperationOutcome outcome = parse(OperationOutcome.class, response.body());
		assertThat(outcome.getIssue()).anySatisfy(i -> assertThat(i.getSeverity())
				.isIn(OperationOutcome.IssueSeverity.ERROR, OperationOutcome.IssueSeverity.FATAL));

		HttpResponse<String> valid = http("POST", "/Patient/$validate", json(newPatient("Gültig", "V", unique())));
		assertThat(valid.statusCode()).isEqualTo(200);
		assertThat(parse(OperationOutcome.class, valid.body()).getIssue())
				.noneMatch(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR);
	}

	@Test
	void clientAssignedIdsNeedALetterSoTheyNeverCollideWithServerIds() {
		String id = "src-" + unique().substring(0, 8);
		Patient p = newPatient("Eigen", "Id", unique());
		p.setId(id);
		assertThat(http("PUT", "/Patient/" + id, json(p)).statusCode()).isEqualTo(201);
		assertThat(parse(Patient.class, http("GET", "/Patient/" + id, null).body()).getIdElement().getIdPart())
				.isEqualTo(id);

		p.setId("987654321");
		HttpResponse<String> numeric = http("PUT", "/Patient/987654321", json(p));
		assertThat(numeric.statusCode()).isEqualTo(400);
		assertThat(parse(OperationOutcome.class, numeric.body()).getIssueFirstRep().getDiagnostics()).contains("HAPI-0960");
	}

	@Test
	void tokenSearchWithARawPipeIsAccepted() {
		String mrn = unique();
		client().create().resource(newPatient("Pipe", "P", mrn)).execute();
		Bundle found = client().search().forResource(Patient.class)
				.where(new TokenClientParam("identifier").exactly().systemAndCode(MRN, mrn))
				.returnBundle(Bundle.class).execute();
		assertThat(found.getEntry()).hasSize(1);
		String raw = rawGet("/Patient?identifier=" + MRN + "|" + mrn);
		assertThat(raw).startsWith("HTTP/1.1 200");
		assertThat(raw).containsPattern("\"total\"\\s*:\\s*1\\b");
	}

	private int searchCount(String searchUrl) {
		String sep = searchUrl.contains("?") ? "&" : "?";
		return parse(Bundle.class, http("GET", searchUrl + sep + "_summary=count", null).body()).getTotal();
	}

	private HttpResponse<String> send(String method, String path, String body, String contentType) {
		return httpBytes(method, path, body.getBytes(java.nio.charset.StandardCharsets.UTF_8), contentType);
	}
}
