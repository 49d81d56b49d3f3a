package dev.patient360.hub.authorization;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;

import dev.patient360.hub.testsupport.Tokens;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Each demo party × resource type × interaction against the expected status, with real tokens from
 * the realm (docs/security.md has the same table in words). Reads and updates target patient A's
 * resources, which every reading party may see when its scopes allow, so a 403 here is the scope
 * or party rule and never consent.
 */
class ScopeMatrixIT extends AuthorizationFixtureIT {

	/** Existing resources of patient A (tagged with source demo-ehr) per type. */
	static final Map<String, String> A_RESOURCE = Map.of(
			"Patient", "demo-patient-a", "Observation", "authz-observation-a", "Coverage", "authz-coverage-a",
			"Claim", "authz-claim-a", "DocumentReference", "authz-document-a", "AuditEvent", "authz-audit-event");

	/**
	 * client | type | read search create update delete. The update and delete columns use a fresh
	 * resource of patient A tagged demo-ehr per row.
	 */
	static final String MATRIX = """
			demo-ehr          | Patient           | 200 200 201 200 200
			demo-ehr          | Observation       | 200 200 201 200 200
			demo-ehr          | Coverage          | 200 200 201 200 200
			demo-ehr          | Claim             | 200 200 201 200 200
			demo-ehr          | DocumentReference | 403 403 403 403 403
			demo-ehr          | AuditEvent        | 403 403 403 403 403
			demo-clinic       | Patient           | 200 200 403 403 403
			demo-clinic       | Observation       | 200 200 403 403 403
			demo-clinic       | Coverage          | 403 403 403 403 403
			demo-clinic       | Claim             | 403 403 403 403 403
			demo-clinic       | DocumentReference | 403 403 403 403 403
			demo-clinic       | AuditEvent        | 403 403 403 403 403
			demo-insurer      | Patient           | 200 200 403 403 403
			demo-insurer      | Observation       | 403 403 403 403 403
			demo-insurer      | Coverage          | 200 200 403 403 403
			demo-insurer      | Claim             | 200 200 403 403 403
			demo-insurer      | DocumentReference | 403 403 403 403 403
			demo-insurer      | AuditEvent        | 403 403 403 403 403
			demo-patient-a    | Patient           | 200 200 403 403 403
			demo-patient-a    | Observation       | 200 200 403 403 403
			demo-patient-a    | Coverage          | 200 200 403 403 403
			demo-patient-a    | Claim             | 200 200 403 403 403
			demo-patient-a    | DocumentReference | 200 200 403 403 403
			demo-patient-a    | AuditEvent        | 403 403 403 403 403
			demo-engineer     | Patient           | 403 403 403 403 403
			demo-engineer     | Observation       | 403 403 403 403 403
			demo-engineer     | Coverage          | 403 403 403 403 403
			demo-engineer     | Claim             | 403 403 403 403 403
			demo-engineer     | DocumentReference | 403 403 403 403 403
			demo-engineer     | AuditEvent        | 403 403 403 403 403
			demo-auditor      | Patient           | 403 403 403 403 403
			demo-auditor      | Observation       | 403 403 403 403 403
			demo-auditor      | Coverage          | 403 403 403 403 403
			demo-auditor      | Claim             | 403 403 403 403 403
			demo-auditor      | DocumentReference | 403 403 403 403 403
			demo-auditor      | AuditEvent        | 200 200 403 403 403
			demo-admin        | Patient           | 200 200 201 200 200
			demo-admin        | Observation       | 200 200 201 200 200
			demo-admin        | Coverage          | 200 200 201 200 200
			demo-admin        | Claim             | 200 200 201 200 200
			demo-admin        | DocumentReference | 200 200 201 200 200
			demo-admin        | AuditEvent        | 403 403 403 403 403
			demo-outreach     | Patient           | 200 200 403 403 403
			demo-outreach     | Observation       | 403 403 403 403 403
			demo-outreach     | Coverage          | 403 403 403 403 403
			demo-outreach     | Claim             | 403 403 403 403 403
			demo-outreach     | DocumentReference | 403 403 403 403 403
			demo-outreach     | AuditEvent        | 403 403 403 403 403
			demo-outreach     | CommunicationRequest | 200 200 403 200 403
			demo-outreach     | Communication     | 200 200 201 200 403
			demo-clinic       | CommunicationRequest | 403 403 403 403 403
			demo-ehr          | Communication     | 403 403 403 403 403
			""";

	static final List<String> INTERACTIONS = List.of("read", "search", "create", "update", "delete");

	@Autowired
	DaoRegistry daos;

	@TestFactory
	Stream<DynamicTest> everyPartyTypeAndInteractionGetsTheExpectedStatus() {
		return MATRIX.lines().filter(l -> !l.isBlank()).flatMap(line -> {
			String[] cells = line.split("\\|");
			String client = cells[0].trim();
			String type = cells[1].trim();
			List<Integer> expected = Arrays.stream(cells[2].trim().split("\\s+")).map(Integer::valueOf).toList();
			return java.util.stream.IntStream.range(0, INTERACTIONS.size()).mapToObj(i -> DynamicTest.dynamicTest(
					client + " " + INTERACTIONS.get(i) + " " + type + " → " + expected.get(i),
					() -> {
						HttpResponse<String> response = perform(client, type, INTERACTIONS.get(i));
						assertThat(response.statusCode()).as(response.body()).isEqualTo(expected.get(i));
						if (response.statusCode() == 403) {
							assertThat(response.body()).contains("OperationOutcome");
						}
					}));
		});
	}

	/**
	 * The realm has no client with read-only or search-only scopes, so these tokens are minted for
	 * the test with the realm's (demo) signing key: to the hub they are tokens like any other.
	 * Expected statuses: read, search.
	 */
	static final String SCOPE_LETTERS = """
			user/Observation.r     | 200 403
			user/Observation.s     | 403 200
			user/Observation.rs    | 200 200
			user/Observation.read  | 200 200
			user/Observation.write | 403 403
			user/Observation.cud   | 403 403
			user/Patient.rs        | 403 403
			user/*.rs              | 200 200
			""";

	@TestFactory
	Stream<DynamicTest> readWithoutSearchCannotSearchAndV1ScopesMapOntoLetters() {
		return SCOPE_LETTERS.lines().filter(l -> !l.isBlank()).map(line -> {
			String[] cells = line.split("\\|");
			String scope = cells[0].trim();
			List<Integer> expected = Arrays.stream(cells[1].trim().split("\\s+")).map(Integer::valueOf).toList();
			return DynamicTest.dynamicTest(scope + " → read " + expected.get(0) + ", search " + expected.get(1), () -> {
				String token = Tokens.forged().client("scope-letters").roles("partner-clinic")
						.claim("organization", "demo-clinic").scope(scope).signedByRealmKey();
				HttpResponse<String> read = httpWithToken(token, "GET", "/Observation/authz-observation-a", null);
				HttpResponse<String> search = httpWithToken(token, "GET", "/Observation?_count=1", null);
				assertThat(read.statusCode()).as(read.body()).isEqualTo(expected.get(0));
				assertThat(search.statusCode()).as(search.body()).isEqualTo(expected.get(1));
			});
		});
	}

	private HttpResponse<String> perform(String client, String type, String interaction) {
		ensureAuditEvent();
		return switch (interaction) {
			case "read" -> get(client, "/" + type + "/" + (A_RESOURCE.containsKey(type) ? A_RESOURCE.get(type) : fresh(type)));
			case "search" -> get(client, "/" + type + "?_count=1");
			case "create" -> as(client, "POST", "/" + type, body(type, null), "Accept", "application/fhir+json");
			case "update" -> {
				String id = fresh(type);
				yield as(client, "PUT", "/" + type + "/" + id, body(type, id), "Accept", "application/fhir+json");
			}
			case "delete" -> as(client, "DELETE", "/" + type + "/" + fresh(type), null, "Accept", "application/fhir+json");
			default -> throw new IllegalArgumentException(interaction);
		};
	}

	/** A resource of patient A from source demo-ehr, stored by the hub itself; returns its id. */
	private String fresh(String type) {
		String id = "authz-m-" + UUID.randomUUID().toString().substring(0, 8);
		IBaseResource resource = parse(fhirContext.getResourceDefinition(type).getImplementingClass(), body(type, id));
		daos.getResourceDao(type).update(resource, new SystemRequestDetails());
		return id;
	}

	private void ensureAuditEvent() {
		AuditEvent event = new AuditEvent();
		event.setId("authz-audit-event");
		event.setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", null));
		event.setRecorded(new java.util.Date());
		event.addAgent().setRequestor(true).setWho(new Reference("Organization/demo-clinic"));
		event.getSource().setObserver(new Reference("Organization/demo-clinic"));
		daos.getResourceDao("AuditEvent").update(event, new SystemRequestDetails());
	}

	/** A minimal resource of the type for patient A, tagged with source demo-ehr. */
	private static String body(String type, String id) {
		String idPart = id == null ? "" : "\"id\":\"" + id + "\",";
		String meta = "\"meta\":{\"tag\":[{\"system\":\"" + ResourceAccess.SOURCE_SYSTEM_TAG + "\",\"code\":\"demo-ehr\"}]},";
		String head = "{\"resourceType\":\"" + type + "\"," + idPart + meta;
		return switch (type) {
			case "Patient" -> head + "\"name\":[{\"family\":\"Matrix\"}]}";
			case "Observation" -> head + "\"status\":\"final\",\"code\":{\"text\":\"x\"},\"subject\":{\"reference\":\"Patient/demo-patient-a\"}}";
			case "Coverage" -> head + "\"status\":\"active\",\"beneficiary\":{\"reference\":\"Patient/demo-patient-a\"},\"payor\":[{\"reference\":\"Organization/demo-insurer\"}]}";
			case "Claim" -> head + "\"status\":\"active\",\"use\":\"claim\",\"type\":{\"text\":\"x\"},\"patient\":{\"reference\":\"Patient/demo-patient-a\"},\"created\":\"2026-01-01\",\"provider\":{\"reference\":\"Organization/demo-clinic\"},\"priority\":{\"text\":\"normal\"},\"insurance\":[{\"sequence\":1,\"focal\":true,\"coverage\":{\"reference\":\"Coverage/authz-coverage-a\"}}]}";
			case "DocumentReference" -> head + "\"status\":\"current\",\"subject\":{\"reference\":\"Patient/demo-patient-a\"},\"content\":[{\"attachment\":{\"contentType\":\"text/plain\",\"data\":\"eA==\"}}]}";
			case "CommunicationRequest" -> head + "\"status\":\"active\",\"subject\":{\"reference\":\"Patient/demo-patient-a\"},\"payload\":[{\"contentString\":\"x\"}]}";
			case "Communication" -> head + "\"status\":\"completed\",\"subject\":{\"reference\":\"Patient/demo-patient-a\"},\"payload\":[{\"contentString\":\"x\"}]}";
			case "AuditEvent" -> head + "\"type\":{\"code\":\"rest\"},\"recorded\":\"2026-01-01T00:00:00Z\",\"agent\":[{\"requestor\":true}],\"source\":{\"observer\":{\"reference\":\"Organization/demo-clinic\"}}}";
			default -> throw new IllegalArgumentException(type);
		};
	}
}
