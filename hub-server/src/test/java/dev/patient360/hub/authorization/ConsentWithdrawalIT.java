package dev.patient360.hub.authorization;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;
import org.junit.jupiter.api.Test;

/**
 * Patient C consented to disclosure to demo-clinic. When the Consent is withdrawn (set inactive
 * over the API, as a consent-management app would), the clinic's very next request no longer
 * sees C; reinstating it gives access back. Nothing is cached across requests.
 */
class ConsentWithdrawalIT extends AuthorizationFixtureIT {

	static final String CONSENT = "/Consent/authz-consent-c-discloses-to-demo-clinic";

	@Test
	void withdrawingTheConsentTakesEffectOnTheClinicsNextRequest() {
		try {
			assertThat(get("demo-clinic", "/Observation/authz-observation-c").statusCode()).isEqualTo(200);
			assertThat(entries(get("demo-clinic", "/Observation?patient=authz-patient-c"))).isEqualTo(1);

			setStatus(Consent.ConsentState.INACTIVE);

			HttpResponse<String> read = get("demo-clinic", "/Observation/authz-observation-c");
			assertThat(read.statusCode()).isEqualTo(404);
			assertThat(read.body()).doesNotContain("Charlie");
			assertThat(entries(get("demo-clinic", "/Observation?patient=authz-patient-c"))).isZero();
			assertThat(entries(get("demo-clinic", "/Patient?_id=authz-patient-c"))).isZero();

			setStatus(Consent.ConsentState.ACTIVE);

			assertThat(get("demo-clinic", "/Observation/authz-observation-c").statusCode()).isEqualTo(200);
		}
		finally {
			setStatus(Consent.ConsentState.ACTIVE);
		}
	}

	@Test
	void aClinicCannotWithdrawOrGrantConsentsItself() {
		HttpResponse<String> response = as("demo-clinic", "PUT", CONSENT,
				consentBody(Consent.ConsentState.INACTIVE), "Accept", "application/fhir+json");
		assertThat(response.statusCode()).isEqualTo(403);
	}

	private void setStatus(Consent.ConsentState state) {
		HttpResponse<String> response = as("demo-admin", "PUT", CONSENT, consentBody(state),
				"Accept", "application/fhir+json");
		assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
	}

	private String consentBody(Consent.ConsentState state) {
		Bundle fixture = parse(Bundle.class, resource("patient-c-consenting-to-demo-clinic-in-care-of-both-clinics-transaction.json"));
		Consent consent = fixture.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
				.filter(Consent.class::isInstance).map(Consent.class::cast).findFirst().orElseThrow();
		consent.setStatus(state);
		return json(consent);
	}

	private int entries(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return parse(Bundle.class, response.body()).getEntry().size();
	}
}
