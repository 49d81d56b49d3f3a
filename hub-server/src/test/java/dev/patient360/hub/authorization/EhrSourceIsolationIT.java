package dev.patient360.hub.authorization;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * An ehr-source (demo-ehr) sees and touches only resources tagged with its own source. Conditional
 * creates and updates that use another source's identifier do not find that source's resource
 * (their match URLs are narrowed to the caller's tag), so they neither reveal nor change it — also
 * when the match URL would be answered from HAPI's match-URL cache.
 */
class EhrSourceIsolationIT extends AuthorizationFixtureIT {

	static final String OTHER_SOURCES_IDENTIFIER = "urn:other-ehr:observation|obs-b";

	@Autowired
	DaoRegistry daos;

	@Test
	void anEhrSourceReadsAndSearchesOnlyItsOwnSourcesResources() {
		assertThat(get("demo-ehr", "/Observation/authz-observation-a").statusCode()).isEqualTo(200);
		assertThat(get("demo-ehr", "/Observation/authz-observation-b").statusCode()).isEqualTo(404);
		HttpResponse<String> search = get("demo-ehr", "/Observation?identifier=" + OTHER_SOURCES_IDENTIFIER);
		assertThat(parse(Bundle.class, search.body()).getEntry())
				.allSatisfy(e -> assertThat(e.getResource().getMeta().getTag("https://fhir.patient360.dev/CodeSystem/source-system", "demo-ehr")).isNotNull());
		assertNothingOfB("demo-ehr identifier search", search);
		assertNothingOfB("demo-ehr search", get("demo-ehr", "/Observation?_count=100"));
	}

	@Test
	void aConditionalCreateWithAnotherSourcesIdentifierCreatesItsOwnResource() {
		// Warm the match-URL cache with the other source's resource, as that source's upsert would.
		daos.getResourceDao("Observation").search(
				new ca.uhn.fhir.jpa.searchparam.SearchParameterMap("identifier",
						new ca.uhn.fhir.rest.param.TokenParam("urn:other-ehr:observation", "obs-b")),
				new SystemRequestDetails());
		for (int attempt = 0; attempt < 2; attempt++) {
			HttpResponse<String> created = as("demo-ehr", "POST", "/Observation", ownObservation(),
					"If-None-Exist", "identifier=" + OTHER_SOURCES_IDENTIFIER, "Accept", "application/fhir+json");
			assertThat(created.statusCode()).as(created.body()).isIn(200, 201);
			assertThat(created.headers().firstValue("Location").orElse("")).doesNotContain("authz-observation-b");
			assertNothingOfB("conditional create", created);
		}
		assertThat(otherSourcesObservationVersion()).isEqualTo("1");
	}

	@Test
	void aConditionalUpdateWithAnotherSourcesIdentifierLeavesThatResourceAlone() {
		HttpResponse<String> updated = as("demo-ehr", "PUT", "/Observation?identifier=" + OTHER_SOURCES_IDENTIFIER,
				ownObservation(), "Accept", "application/fhir+json");
		assertThat(updated.statusCode()).as(updated.body()).isIn(200, 201);
		assertThat(updated.headers().firstValue("Location").orElse("")).doesNotContain("authz-observation-b");
		assertNothingOfB("conditional update", updated);
		assertThat(otherSourcesObservationVersion()).isEqualTo("1");
	}

	@Test
	void aTransactionsConditionalEntriesAreNarrowedToo() {
		String transaction = """
				{"resourceType":"Bundle","type":"transaction","entry":[
				 {"fullUrl":"urn:uuid:4b7e1f3a-0000-4000-8000-000000000001","resource":%s,
				  "request":{"method":"POST","url":"Observation","ifNoneExist":"identifier=%s"}},
				 {"resource":%s,"request":{"method":"PUT","url":"Observation?identifier=%s"}}
				]}""".formatted(ownObservation(), OTHER_SOURCES_IDENTIFIER, ownObservation(), OTHER_SOURCES_IDENTIFIER);
		HttpResponse<String> response = as("demo-ehr", "POST", "", transaction, "Accept", "application/fhir+json");
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(response.body()).doesNotContain("authz-observation-b");
		assertThat(otherSourcesObservationVersion()).isEqualTo("1");
	}

	@Test
	void anEhrSourceCannotWriteUnderAnotherSourcesTagOrOverwriteItsResources() {
		String foreign = ownObservation().replace("\"demo-ehr\"", "\"other-ehr\"");
		assertThat(as("demo-ehr", "POST", "/Observation", foreign).statusCode()).isEqualTo(403);
		HttpResponse<String> overwrite = as("demo-ehr", "PUT", "/Observation/authz-observation-b",
				ownObservation().replace("{\"resourceType\":\"Observation\",",
						"{\"resourceType\":\"Observation\",\"id\":\"authz-observation-b\","));
		assertThat(overwrite.statusCode()).isEqualTo(403);
		assertThat(as("demo-ehr", "DELETE", "/Observation/authz-observation-b", null).statusCode()).isEqualTo(403);
		assertThat(otherSourcesObservationVersion()).isEqualTo("1");
	}

	private String otherSourcesObservationVersion() {
		Observation b = (Observation) daos.getResourceDao("Observation")
				.read(new IdType("Observation/authz-observation-b"), new SystemRequestDetails());
		return b.getMeta().getVersionId();
	}

	@Test
	void validateChecksABodyForWhoeverMayWriteTheTypeAndForNobodyElse() {
		HttpResponse<String> valid = as("demo-ehr", "POST", "/Observation/$validate", ownObservation(),
				"Accept", "application/fhir+json");
		assertThat(valid.statusCode()).as(valid.body()).isEqualTo(200);
		assertThat(valid.body()).contains("OperationOutcome");

		HttpResponse<String> refused = as("demo-clinic", "POST", "/Observation/$validate", ownObservation(),
				"Accept", "application/fhir+json");
		assertThat(refused.statusCode()).isEqualTo(403);
	}

	private static String ownObservation() {
		return "{\"resourceType\":\"Observation\",\"meta\":{\"tag\":[{\"system\":\""
				+ ResourceAccess.SOURCE_SYSTEM_TAG + "\",\"code\":\"demo-ehr\"}]},\"status\":\"final\","
				+ "\"identifier\":[{\"system\":\"urn:other-ehr:observation\",\"value\":\"obs-b\"}],"
				+ "\"code\":{\"text\":\"x\"},\"subject\":{\"reference\":\"Patient/demo-patient-a\"}}";
	}
}
