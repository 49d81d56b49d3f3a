package dev.patient360.hub.authorization;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;

import dev.patient360.hub.testsupport.SecuredHubIntegrationTest;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Shared by the authorization ITs: the fixtures of {@code src/test/resources/authorization} stored
 * once per test JVM by the hub itself, and requests made with real Keycloak tokens of the demo
 * clients. Abstract, so not a test of its own; same configuration as every secured IT (one context).
 */
abstract class AuthorizationFixtureIT extends SecuredHubIntegrationTest {

	static final String PATIENT_A = "demo-patient-a";
	static final String PATIENT_B = "demo-patient-b";

	/** Every resource of patient B in the fixtures; none of them may reach patient A or clinic 2. */
	static final Set<String> B_RESOURCES = Set.of(
			"Patient/demo-patient-b", "Encounter/authz-encounter-b", "Observation/authz-observation-b",
			"Condition/authz-condition-b", "DocumentReference/authz-document-b", "Coverage/authz-coverage-b",
			"Claim/authz-claim-b", "Consent/authz-consent-b-discloses-to-demo-clinic",
			"Consent/authz-consent-b-contact-by-demo-clinic-2");

	/** Patient B's family name: appears in no response to a caller who may not see B. */
	static final String B_FAMILY = "Bravo";

	private static volatile boolean loaded;

	@Autowired
	IFhirSystemDao<Bundle, ?> systemDao;

	@BeforeEach
	void storeFixtures() {
		if (loaded) {
			return;
		}
		synchronized (AuthorizationFixtureIT.class) {
			if (!loaded) {
				for (String fixture : List.of("two-patients-two-clinics-one-insurer-transaction.json",
						"patient-c-consenting-to-demo-clinic-in-care-of-both-clinics-transaction.json")) {
					systemDao.transaction(new SystemRequestDetails(), parse(Bundle.class, resource(fixture)));
				}
				loaded = true;
			}
		}
	}

	/** A request with an access token of the demo client (client credentials, from Keycloak). */
	HttpResponse<String> as(String client, String method, String path, String body, String... headers) {
		return httpAs(client, method, path, body, headers);
	}

	HttpResponse<String> get(String client, String path) {
		return as(client, "GET", path, null, "Accept", "application/fhir+json");
	}

	/** Every resource in a response body, at any depth (bundle entries, nested bundles, contained). */
	List<IBaseResource> resourcesIn(String body) {
		if (body == null || body.isBlank() || !body.trim().startsWith("{")) {
			return List.of();
		}
		IBaseResource root = fhirContext.newJsonParser().parseResource(body);
		List<IBaseResource> all = new java.util.ArrayList<>(
				fhirContext.newTerser().getAllPopulatedChildElementsOfType(root, IBaseResource.class));
		if (all.stream().noneMatch(r -> r == root)) {
			all.add(root);
		}
		return all;
	}

	/** Asserts that the body holds none of B's resources and not a trace of B's name. */
	void assertNothingOfB(String what, HttpResponse<String> response) {
		assertThat(response.statusCode()).as(what + ": status (body %s)", response.body()).isLessThan(500);
		List<String> ids = resourcesIn(response.body()).stream()
				.filter(r -> r.getIdElement().hasIdPart())
				.map(r -> r.getIdElement().toUnqualifiedVersionless().getValue())
				.toList();
		assertThat(ids).as(what + ": resources in the response").doesNotContainAnyElementsOf(B_RESOURCES);
		assertThat(withoutLinks(response.body())).as(what + ": body").doesNotContain(B_FAMILY);
	}

	/** The body without Bundle links, which echo the caller's own query (and so its search terms). */
	String withoutLinks(String body) {
		if (body == null || !body.trim().startsWith("{")) {
			return body;
		}
		IBaseResource root = fhirContext.newJsonParser().parseResource(body);
		for (IBaseResource r : fhirContext.newTerser().getAllPopulatedChildElementsOfType(root, Bundle.class)) {
			((Bundle) r).getLink().clear();
		}
		return fhirContext.newJsonParser().encodeResourceToString(root);
	}

	String resource(String name) {
		try (InputStream in = getClass().getResourceAsStream("/authorization/" + name)) {
			if (in == null) {
				throw new IllegalStateException("missing test resource " + name);
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException e) {
			throw new IllegalStateException(e);
		}
	}
}
