package dev.patient360.hub.authorization;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Date;
import java.util.List;

import dev.patient360.hub.authorization.ConsentRules.Decision;
import dev.patient360.hub.authorization.ConsentRules.Disclosure;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentProvisionType;
import org.hl7.fhir.r4.model.Consent.ProvisionComponent;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class ConsentRulesTest {

	static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

	@Test
	void anActiveDisclosurePermitToTheOrganizationPermitsEveryTypeToItOnly() {
		Consent consent = consent(permit().addActor(recipient("clinic-a")));

		assertThat(decide(consent, "clinic-a", "Observation", "TREAT")).isEqualTo(Decision.PERMIT);
		assertThat(decide(consent, "clinic-a", "DocumentReference", "TREAT")).isEqualTo(Decision.PERMIT);
		assertThat(decide(consent, "clinic-b", "Observation", "TREAT")).isEqualTo(Decision.NONE);
	}

	@Test
	void aPermitWithoutRecipientPermitsNobody() {
		assertThat(decide(consent(permit()), "clinic-a", "Observation", "TREAT")).isEqualTo(Decision.NONE);
	}

	@Test
	void onlyActivePrivacyDisclosureConsentsCount() {
		Consent inactive = consent(permit().addActor(recipient("clinic-a"))).setStatus(Consent.ConsentState.INACTIVE);
		Consent contact = consent(permit().addActor(recipient("clinic-a")));
		contact.getCategoryFirstRep().getCodingFirstRep().setCode("contact");
		Consent treatmentScope = consent(permit().addActor(recipient("clinic-a")));
		treatmentScope.getScope().getCodingFirstRep().setCode("treatment");

		for (Consent c : List.of(inactive, contact, treatmentScope)) {
			assertThat(decide(c, "clinic-a", "Observation", "TREAT")).isEqualTo(Decision.NONE);
		}
	}

	@Test
	void classesLimitThePermitToTheirResourceTypes() {
		Consent consent = consent(permit().addActor(recipient("clinic-a"))
				.addClass_(type("Observation")).addClass_(type("Patient")));

		assertThat(decide(consent, "clinic-a", "Observation", "TREAT")).isEqualTo(Decision.PERMIT);
		assertThat(decide(consent, "clinic-a", "DocumentReference", "TREAT")).isEqualTo(Decision.NONE);
	}

	@Test
	void aNestedDenyIsAnExceptionToItsPermit() {
		Consent consent = consent(permit().addActor(recipient("clinic-a"))
				.addProvision(new ProvisionComponent().setType(ConsentProvisionType.DENY)
						.addClass_(type("DocumentReference"))));

		assertThat(decide(consent, "clinic-a", "Observation", "TREAT")).isEqualTo(Decision.PERMIT);
		assertThat(decide(consent, "clinic-a", "DocumentReference", "TREAT")).isEqualTo(Decision.DENY);
	}

	@Test
	void aNestedPermitIsAnExceptionToADenyOfEverybody() {
		Consent consent = consent(new ProvisionComponent().setType(ConsentProvisionType.DENY)
				.addProvision(permit().addActor(recipient("clinic-a"))));

		assertThat(decide(consent, "clinic-a", "Observation", "TREAT")).isEqualTo(Decision.PERMIT);
		assertThat(decide(consent, "clinic-b", "Observation", "TREAT")).isEqualTo(Decision.DENY);
		assertThat(ConsentRules.mayPermitSomethingTo(consent, "clinic-a", NOW)).isTrue();
		assertThat(ConsentRules.mayPermitSomethingTo(consent, "clinic-b", NOW)).isFalse();
	}

	@Test
	void theProvisionPeriodIsWhenTheRuleIsInForce() {
		Consent ended = consent(permit().addActor(recipient("clinic-a"))
				.setPeriod(period("2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z")));
		Consent notYet = consent(permit().addActor(recipient("clinic-a"))
				.setPeriod(period("2026-07-01T00:00:00Z", null)));
		Consent current = consent(permit().addActor(recipient("clinic-a"))
				.setPeriod(period("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z")));

		assertThat(decide(ended, "clinic-a", "Observation", "TREAT")).isEqualTo(Decision.NONE);
		assertThat(decide(notYet, "clinic-a", "Observation", "TREAT")).isEqualTo(Decision.NONE);
		assertThat(decide(current, "clinic-a", "Observation", "TREAT")).isEqualTo(Decision.PERMIT);
		assertThat(ConsentRules.mayPermitSomethingTo(ended, "clinic-a", NOW)).isFalse();
	}

	@Test
	void aPurposeRestrictsThePermitToRequestsOfThatPurpose() {
		Consent consent = consent(permit().addActor(recipient("clinic-a"))
				.addPurpose(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActReason", "TREAT", null)));

		assertThat(decide(consent, "clinic-a", "Observation", "TREAT")).isEqualTo(Decision.PERMIT);
		assertThat(decide(consent, "clinic-a", "Observation", "HPAYMT")).isEqualTo(Decision.NONE);
	}

	@Test
	void aPermitLimitedToADataPeriodDoesNotApplyBecauseDataPeriodsAreNotEvaluatedYet() {
		Consent consent = consent(permit().addActor(recipient("clinic-a"))
				.setDataPeriod(period("2020-01-01T00:00:00Z", "2021-01-01T00:00:00Z")));

		assertThat(decide(consent, "clinic-a", "Observation", "TREAT")).isEqualTo(Decision.NONE);
	}

	@Test
	void denyWinsAcrossConsents() {
		Consent permit = consent(permit().addActor(recipient("clinic-a")));
		Consent deny = consent(new ProvisionComponent().setType(ConsentProvisionType.DENY)
				.addActor(recipient("clinic-a")).addClass_(type("Observation")));

		Disclosure observation = new Disclosure("clinic-a", "Observation", "TREAT", NOW);
		Disclosure encounter = new Disclosure("clinic-a", "Encounter", "TREAT", NOW);
		assertThat(ConsentRules.decide(List.of(permit, deny), observation)).isEqualTo(Decision.DENY);
		assertThat(ConsentRules.decide(List.of(permit, deny), encounter)).isEqualTo(Decision.PERMIT);
		assertThat(ConsentRules.decide(List.of(), encounter)).isEqualTo(Decision.NONE);
	}

	@Test
	void aProvisionWithoutTypeDisclosesNothing() {
		Consent consent = consent(new ProvisionComponent().addActor(recipient("clinic-a")));

		assertThat(decide(consent, "clinic-a", "Observation", "TREAT")).isEqualTo(Decision.DENY);
	}

	@Test
	void recipientReferencesMayBeAbsolute() {
		Consent consent = consent(permit().addActor(new Consent.provisionActorComponent()
				.setRole(new CodeableConcept(new Coding(ConsentRules.PARTICIPATION_SYSTEM, "IRCP", null)))
				.setReference(new Reference("https://hub.example/fhir/Organization/clinic-a"))));

		assertThat(decide(consent, "clinic-a", "Observation", "TREAT")).isEqualTo(Decision.PERMIT);
	}

	@Test
	void anActorInAnotherRoleIsNoRecipient() {
		Consent consent = consent(permit().addActor(new Consent.provisionActorComponent()
				.setRole(new CodeableConcept(new Coding(ConsentRules.PARTICIPATION_SYSTEM, "PRCP", null)))
				.setReference(new Reference("Organization/clinic-a"))));

		assertThat(decide(consent, "clinic-a", "Observation", "TREAT")).isEqualTo(Decision.NONE);
	}

	static Decision decide(Consent consent, String org, String type, String purpose) {
		return ConsentRules.decide(List.of(consent), new Disclosure(org, type, purpose, NOW));
	}

	static Consent consent(ProvisionComponent provision) {
		Consent consent = new Consent();
		consent.setStatus(Consent.ConsentState.ACTIVE);
		consent.setScope(new CodeableConcept(new Coding(ConsentRules.SCOPE_SYSTEM, "patient-privacy", null)));
		consent.addCategory(new CodeableConcept(new Coding(ConsentRules.CATEGORY_SYSTEM, "disclosure", null)));
		consent.setPatient(new Reference("Patient/a"));
		consent.setProvision(provision);
		return consent;
	}

	static ProvisionComponent permit() {
		return new ProvisionComponent().setType(ConsentProvisionType.PERMIT);
	}

	static Consent.provisionActorComponent recipient(String organizationId) {
		return new Consent.provisionActorComponent()
				.setRole(new CodeableConcept(new Coding(ConsentRules.PARTICIPATION_SYSTEM, "IRCP", null)))
				.setReference(new Reference("Organization/" + organizationId));
	}

	static Coding type(String resourceType) {
		return new Coding(ConsentRules.RESOURCE_TYPES_SYSTEM, resourceType, null);
	}

	static Period period(String start, String end) {
		Period p = new Period();
		if (start != null) {
			p.setStart(Date.from(Instant.parse(start)));
		}
		if (end != null) {
			p.setEnd(Date.from(Instant.parse(end)));
		}
		return p;
	}
}
