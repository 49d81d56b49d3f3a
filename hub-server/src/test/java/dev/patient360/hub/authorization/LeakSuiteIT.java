package dev.patient360.hub.authorization;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Patients A and B, clinics demo-clinic (both consented) and demo-clinic-2 (only A consented; B
 * only agreed to be contacted by it), insurer demo-insurer (covers A). A's token and clinic 2's
 * token go after B's data every way FHIR offers; no response may contain any of B's resources or
 * B's name, and what is forbidden looks exactly like what does not exist.
 */
class LeakSuiteIT extends AuthorizationFixtureIT {

	static final List<String> ATTACKERS = List.of("demo-patient-a", "demo-clinic-2");

	/** GET requests aimed at B's data. */
	static final List<String> ATTACKS = List.of(
			"/Patient/demo-patient-b",
			"/Observation/authz-observation-b",
			"/Condition/authz-condition-b",
			"/DocumentReference/authz-document-b",
			"/Encounter/authz-encounter-b",
			"/Consent/authz-consent-b-discloses-to-demo-clinic",
			"/Observation/authz-observation-b/_history/1",
			"/Patient/demo-patient-b/_history/1",
			"/Observation/authz-observation-b/_history",
			"/Patient/demo-patient-b/_history",
			"/Observation/_history",
			"/Patient/_history",
			"/Patient?_id=demo-patient-b",
			"/Patient?family=Bravo",
			"/Patient",
			"/Observation",
			"/Observation?patient=demo-patient-b",
			"/Observation?subject=Patient/demo-patient-b",
			"/Observation?patient=demo-patient-a,demo-patient-b",
			"/Observation?_id=authz-observation-b",
			"/Observation?identifier=urn:other-ehr:observation|obs-b",
			"/Observation?_include=Observation:has-member",
			"/Observation?_include=*",
			"/Observation?_include=Observation:patient&_include=Observation:encounter",
			"/Observation?_include:iterate=Observation:has-member",
			"/Encounter?_revinclude=Observation:encounter",
			"/Patient?_revinclude=Observation:subject&_revinclude=Consent:patient",
			"/Patient?_revinclude=*",
			"/Patient?_has:Observation:patient:code=8867-4",
			"/Patient?_has:Observation:subject:_id=authz-observation-b",
			"/Observation?patient.family=Bravo",
			"/Observation?subject:Patient.family=Bravo",
			"/Observation?encounter.subject=Patient/demo-patient-b",
			"/Encounter?patient=demo-patient-b&_revinclude=Observation:encounter",
			"/Consent?patient=demo-patient-b",
			"/Consent",
			"/Patient/demo-patient-b/$everything",
			"/Patient/demo-patient-a/$everything",
			"/Patient/$everything",
			"/Observation?_total=accurate",
			"/Observation?patient=demo-patient-b&_summary=count",
			"/Observation?_elements=subject&patient=demo-patient-b",
			"/?_type=Observation,Patient",
			"/_history");

	@TestFactory
	Stream<DynamicTest> noGetReturnsAnythingOfB() {
		return ATTACKERS.stream().flatMap(client -> ATTACKS.stream()
				.map(path -> DynamicTest.dynamicTest(client + " GET " + path,
						() -> assertNothingOfB(client + " GET " + path, get(client, path)))));
	}

	@TestFactory
	Stream<DynamicTest> searchesForBAreEmptyRatherThanForbidden() {
		return ATTACKERS.stream().flatMap(client -> Stream.of(
				"/Patient?_id=demo-patient-b", "/Observation?patient=demo-patient-b",
				"/Observation?_id=authz-observation-b", "/Condition?patient=demo-patient-b")
				.map(path -> DynamicTest.dynamicTest(client + " " + path, () -> {
					HttpResponse<String> response = get(client, path);
					assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
					Bundle bundle = parse(Bundle.class, response.body());
					assertThat(bundle.getEntry()).isEmpty();
					assertThat(bundle.hasTotal() ? bundle.getTotal() : 0).isZero();
				})));
	}

	@TestFactory
	Stream<DynamicTest> forbiddenLooksExactlyLikeNonexistent() {
		List<String[]> pairs = List.of(
				new String[] {"/Patient/demo-patient-b", "/Patient/authz-never-existed"},
				new String[] {"/Observation/authz-observation-b", "/Observation/authz-never-existed"},
				new String[] {"/Observation/authz-observation-b/_history/1", "/Observation/authz-never-existed/_history/1"},
				new String[] {"/Observation/authz-observation-b/_history", "/Observation/authz-never-existed/_history"},
				new String[] {"/Patient/demo-patient-b/$everything", "/Patient/authz-never-existed/$everything"});
		return ATTACKERS.stream().flatMap(client -> pairs.stream().map(pair -> DynamicTest.dynamicTest(
				client + " " + pair[0], () -> {
					HttpResponse<String> forbidden = get(client, pair[0]);
					HttpResponse<String> absent = get(client, pair[1]);
					String forbiddenId = pair[0].split("/")[2];
					String absentId = pair[1].split("/")[2];
					assertThat(forbidden.statusCode()).as(forbidden.body()).isEqualTo(absent.statusCode());
					assertThat(normalized(forbidden.body()).replace(forbiddenId, "ID"))
							.isEqualTo(normalized(absent.body()).replace(absentId, "ID"));
				})));
	}

	@Test
	void batchAndTransactionGetEntriesRevealNothingOfB() {
		for (String type : List.of("batch", "transaction")) {
			String bundle = """
					{"resourceType":"Bundle","type":"%s","entry":[
					 {"request":{"method":"GET","url":"Patient/demo-patient-b"}},
					 {"request":{"method":"GET","url":"Observation/authz-observation-b"}},
					 {"request":{"method":"GET","url":"Observation?patient=demo-patient-b"}},
					 {"request":{"method":"GET","url":"Observation?_include=Observation:has-member"}},
					 {"request":{"method":"GET","url":"Patient/demo-patient-b/$everything"}},
					 {"request":{"method":"GET","url":"Observation/authz-observation-b/_history"}}
					]}""".formatted(type);
			for (String client : ATTACKERS) {
				assertNothingOfB(client + " " + type,
						as(client, "POST", "", bundle, "Accept", "application/fhir+json"));
			}
		}
	}

	@TestFactory
	Stream<DynamicTest> chainsThroughAsResourcesIntoBsAreRefused() {
		// A's observation has B's as a member: a chain or _has through that reference would let
		// A's resource answer questions about B's. Refused on the parameter names, whatever the data.
		List<String> probes = List.of(
				"/Observation?has-member.subject=Patient/demo-patient-b",
				"/Observation?has-member:Observation.code=8867-4",
				"/Observation?_has:Observation:has-member:subject=Patient/demo-patient-b",
				"/Patient?_has:Observation:patient:code=8867-4");
		return ATTACKERS.stream().flatMap(client -> probes.stream().map(path -> DynamicTest.dynamicTest(
				client + " " + path, () -> {
					HttpResponse<String> response = get(client, path);
					assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
					assertThat(response.body()).contains("HUB-2052");
				})));
	}

	@Test
	void chainsInBatchEntriesAreRefusedToo() {
		String bundle = """
				{"resourceType":"Bundle","type":"batch","entry":[
				 {"request":{"method":"GET","url":"Observation?has-member.subject=Patient/demo-patient-b"}}]}""";
		HttpResponse<String> response = as("demo-clinic-2", "POST", "", bundle, "Accept", "application/fhir+json");
		assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
		assertThat(get("demo-admin", "/Observation?has-member.subject=Patient/demo-patient-b").statusCode())
				.as("callers not bound to patients may chain").isEqualTo(200);
	}

	@Test
	void pagingLinksOfAnotherCallersSearchRevealNothingOfB() {
		// The admin's search sees everything; its page links are guessable, so they must not help.
		HttpResponse<String> adminFirst = get("demo-admin", "/Observation?_count=1&_sort=_id");
		assertThat(adminFirst.statusCode()).isEqualTo(200);
		List<String> pages = new ArrayList<>();
		Bundle page = parse(Bundle.class, adminFirst.body());
		for (int i = 0; i < 20 && page.getLink("next") != null; i++) {
			String next = relative(page.getLink("next").getUrl());
			pages.add(next);
			page = parse(Bundle.class, get("demo-admin", next).body());
		}
		assertThat(pages).isNotEmpty();
		for (String client : ATTACKERS) {
			for (String next : pages) {
				assertNothingOfB(client + " page " + next, get(client, next));
			}
		}
	}

	@Test
	void ownPagesWalkedToTheEndRevealNothingOfB() {
		for (String client : ATTACKERS) {
			int seen = 0;
			String next = "/Observation?_count=1";
			for (int i = 0; i < 50 && next != null; i++) {
				HttpResponse<String> response = get(client, next);
				assertNothingOfB(client + " " + next, response);
				Bundle page = parse(Bundle.class, response.body());
				seen += page.getEntry().size();
				next = page.getLink("next") == null ? null : relative(page.getLink("next").getUrl());
			}
			assertThat(seen).as(client + " sees A's own observation").isPositive();
		}
	}

	@Test
	void theConsentedClinicAndTheInsurerSeeWhatTheyMaySee() {
		// The other side of the leak suite: the same searches do return permitted data.
		assertThat(ids(get("demo-clinic", "/Observation?patient=demo-patient-b")))
				.containsExactly("Observation/authz-observation-b");
		assertThat(ids(get("demo-clinic-2", "/Observation"))).contains("Observation/authz-observation-a");
		assertThat(ids(get("demo-patient-a", "/Observation?_include=Observation:has-member&_count=500")))
				.contains("Observation/authz-observation-a").doesNotContainAnyElementsOf(B_RESOURCES);
		assertThat(ids(get("demo-insurer", "/Coverage?_count=500")))
				.contains("Coverage/authz-coverage-a").doesNotContainAnyElementsOf(B_RESOURCES);
		assertThat(ids(get("demo-insurer", "/Claim?_count=500")))
				.contains("Claim/authz-claim-a").doesNotContainAnyElementsOf(B_RESOURCES);
		assertThat(get("demo-insurer", "/Patient/demo-patient-a").statusCode()).isEqualTo(200);
		assertThat(get("demo-insurer", "/Patient/demo-patient-b").statusCode()).isEqualTo(404);
	}

	@Test
	void anInsurerNeverReadsClinicalDataOfThePatientsItCovers() {
		assertThat(get("demo-insurer", "/Observation/authz-observation-a").statusCode()).isEqualTo(403);
		HttpResponse<String> everything = get("demo-insurer", "/Patient/demo-patient-a/$everything");
		assertThat(ids(everything)).doesNotContain("Observation/authz-observation-a",
				"DocumentReference/authz-document-a", "Encounter/authz-encounter-a");
	}

	@Test
	void aNestedDenyInTheConsentHidesThatResourceClass() {
		// A permits disclosure to demo-clinic except DocumentReference; the admin sees the document.
		assertThat(get("demo-admin", "/DocumentReference/authz-document-a").statusCode()).isEqualTo(200);
		assertThat(get("demo-patient-a", "/DocumentReference/authz-document-a").statusCode()).isEqualTo(200);
		assertThat(ids(get("demo-patient-a", "/Patient/demo-patient-a/$everything")))
				.contains("DocumentReference/authz-document-a").doesNotContainAnyElementsOf(B_RESOURCES);
	}

	List<String> ids(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		Bundle bundle = parse(Bundle.class, response.body());
		return bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
				.filter(r -> r != null && !"OperationOutcome".equals(r.fhirType()))
				.map(IBaseResource::getIdElement)
				.map(id -> id.toUnqualifiedVersionless().getValue())
				.toList();
	}

	String relative(String url) {
		return url.substring(url.indexOf("/fhir") + "/fhir".length());
	}

	/** The body without what differs between any two responses (the request id in diagnostics). */
	static String normalized(String body) {
		return body == null ? "" : body.replaceAll("\"id\"\\s*:\\s*\"[^\"]*\"", "\"id\":\"X\"");
	}
}
