package dev.patient360.hub.authorization;

import static dev.patient360.hub.authorization.ConsentRulesTest.consent;
import static dev.patient360.hub.authorization.ConsentRulesTest.permit;
import static dev.patient360.hub.authorization.ConsentRulesTest.recipient;
import static dev.patient360.hub.authorization.ConsentRulesTest.type;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;

import dev.patient360.hub.security.HubPrincipal;
import dev.patient360.hub.security.Interaction;
import dev.patient360.hub.security.Party;
import dev.patient360.hub.security.SmartScopes;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.CommunicationRequest;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class AccessPolicyTest {

	static final FhirContext FHIR = FhirContext.forR4Cached();
	static final String SOURCE_TAG = ResourceAccess.SOURCE_SYSTEM_TAG;

	final AccessPolicy policy = new AccessPolicy(new ResourceAccess(FHIR),
			new AuthorizationProperties(false, "TREAT", "HPAYMT"));
	final AccessPolicy policyWithCare = new AccessPolicy(new ResourceAccess(FHIR),
			new AuthorizationProperties(true, "TREAT", "HPAYMT"));

	/** Patient a consented to disclosure to clinic-a; b consented to nothing; insurer-x covers b. */
	final Facts facts = new Facts(
			Map.of("a", List.of(consent(permit().addActor(recipient("clinic-a"))
					.addProvision(new Consent.ProvisionComponent().setType(Consent.ConsentProvisionType.DENY)
							.addClass_(type("DocumentReference")))))),
			Map.of("insurer-x", Set.of("b")));

	@Test
	void aClinicSeesOnlyWhatConsentedPatientsDisclosedToIt() {
		HubPrincipal clinicA = principal(Party.PARTNER_CLINIC, "user/*.rs", "clinic-a", null, null);
		HubPrincipal clinicB = principal(Party.PARTNER_CLINIC, "user/*.rs", "clinic-b", null, null);

		assertThat(policy.maySee(clinicA, observation("a"), facts)).isTrue();
		assertThat(policy.maySee(clinicA, patient("a"), facts)).isTrue();
		assertThat(policy.maySee(clinicA, document("a"), facts)).as("nested deny").isFalse();
		assertThat(policy.maySee(clinicA, observation("b"), facts)).isFalse();
		assertThat(policy.maySee(clinicB, observation("a"), facts)).isFalse();
		assertThat(policy.maySee(clinicA, new Organization().setId("Organization/o1"), facts)).isTrue();
		assertThat(policy.maySee(clinicA, new Binary().setId("Binary/x"), facts)).as("not attributable").isFalse();
		assertThat(policy.patientsVisibleTo(clinicA, facts)).contains(Set.of("a"));
		assertThat(policy.patientsVisibleTo(clinicB, facts)).contains(Set.of());
	}

	@Test
	void typeLevelValidateIsOpenToWhoeverMayWriteTheTypeAndNothingElseIs() {
		HubPrincipal ehr = principal(Party.EHR_SOURCE, "system/Patient.cu", null, null, "demo-ehr");
		HubPrincipal clinic = principal(Party.PARTNER_CLINIC, "user/*.rs", "clinic-a", null, null);

		assertThat(policy.mayAttempt(ehr, RestOperationTypeEnum.EXTENDED_OPERATION_TYPE, "Patient", "$validate")).isTrue();
		assertThat(policy.mayAttempt(ehr, RestOperationTypeEnum.EXTENDED_OPERATION_TYPE, "Observation", "$validate")).isFalse();
		assertThat(policy.mayAttempt(clinic, RestOperationTypeEnum.EXTENDED_OPERATION_TYPE, "Patient", "$validate")).isFalse();
		assertThat(policy.mayAttempt(ehr, RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE, "Patient", "$validate")).isFalse();
		assertThat(policy.mayAttempt(ehr, RestOperationTypeEnum.EXTENDED_OPERATION_TYPE, "Patient", "$meta")).isFalse();
	}

	@Test
	void patientsInAClinicsCareAreVisibleWithoutConsentOnlyWhenThatIsSwitchedOnAndNotDenied() {
		HubPrincipal clinicB = principal(Party.PARTNER_CLINIC, "user/*.rs", "clinic-b", null, null);
		Consent denyToClinicB = consent(new Consent.ProvisionComponent().setType(Consent.ConsentProvisionType.DENY)
				.addActor(recipient("clinic-b")).addClass_(type("Observation")));
		Facts care = new Facts(Map.of("c", List.of(denyToClinicB)), Map.of(), Map.of("clinic-b", Set.of("b", "c")));

		assertThat(policy.maySee(clinicB, observation("b"), care)).isFalse();
		assertThat(policy.patientsVisibleTo(clinicB, care)).contains(Set.of());
		assertThat(policyWithCare.maySee(clinicB, observation("b"), care)).isTrue();
		assertThat(policyWithCare.maySee(clinicB, patient("c"), care)).isTrue();
		assertThat(policyWithCare.maySee(clinicB, observation("c"), care)).as("consent deny wins").isFalse();
		assertThat(policyWithCare.patientsVisibleTo(clinicB, care)).contains(Set.of("b", "c"));
	}

	@Test
	void aResourceOfTwoPatientsIsVisibleOnlyWhenBothAre() {
		HubPrincipal clinicA = principal(Party.PARTNER_CLINIC, "user/*.rs", "clinic-a", null, null);
		Observation both = observation("a");
		both.addPerformer(new Reference("Patient/b"));

		assertThat(policy.maySee(clinicA, both, facts)).isFalse();
		assertThat(policy.maySee(principal(Party.PATIENT, "patient/*.rs", null, "a", null), both, facts)).isFalse();
	}

	@Test
	void scopesLimitWhatAClinicSeesEvenWithConsent() {
		HubPrincipal observationsOnly = principal(Party.PARTNER_CLINIC, "user/Observation.rs", "clinic-a", null, null);

		assertThat(policy.maySee(observationsOnly, observation("a"), facts)).isTrue();
		assertThat(policy.maySee(observationsOnly, patient("a"), facts)).isFalse();
	}

	@Test
	void anInsurerSeesFinancialDataOfCoveredPatientsAndNoClinicalData() {
		HubPrincipal insurer = principal(Party.INSURER, "system/*.rs", "insurer-x", null, null);
		Claim claim = new Claim();
		claim.setId("Claim/c1");
		claim.setPatient(new Reference("Patient/b"));

		assertThat(policy.maySee(insurer, patient("b"), facts)).isTrue();
		assertThat(policy.maySee(insurer, claim, facts)).isTrue();
		assertThat(policy.maySee(insurer, coverage("b", "insurer-x"), facts)).isTrue();
		assertThat(policy.maySee(insurer, observation("b"), facts)).isFalse();
		assertThat(policy.maySee(insurer, patient("a"), facts)).isFalse();
		assertThat(policy.patientsVisibleTo(insurer, facts)).contains(Set.of("b"));
	}

	@Test
	void aPatientSeesOnlyTheirOwnCompartment() {
		HubPrincipal patientA = principal(Party.PATIENT, "patient/*.rs", null, "a", null);

		assertThat(policy.maySee(patientA, observation("a"), facts)).isTrue();
		assertThat(policy.maySee(patientA, patient("a"), facts)).isTrue();
		assertThat(policy.maySee(patientA, patient("b"), facts)).isFalse();
		assertThat(policy.maySee(patientA, observation("b"), facts)).isFalse();
		assertThat(policy.patientsVisibleTo(patientA, facts)).contains(Set.of("a"));
	}

	@Test
	void patientScopesGrantNothingWithoutAPatientInContext() {
		HubPrincipal clinic = principal(Party.PARTNER_CLINIC, "patient/*.rs", "clinic-a", null, null);

		assertThat(policy.maySee(clinic, observation("a"), facts)).isFalse();
		assertThat(policy.mayAttempt(clinic, RestOperationTypeEnum.SEARCH_TYPE, "Observation", null)).isFalse();
	}

	@Test
	void anEhrSourceReadsAndWritesOnlyResourcesOfItsOwnSource() {
		HubPrincipal source = principal(Party.EHR_SOURCE, "system/*.cruds", null, null, "demo-ehr");
		Observation own = tagged(observation("a"), "demo-ehr");
		Observation other = tagged(observation("a"), "other-ehr");
		Observation both = tagged(tagged(observation("a"), "demo-ehr"), "other-ehr");

		assertThat(policy.maySee(source, own, facts)).isTrue();
		assertThat(policy.maySee(source, other, facts)).isFalse();
		assertThat(policy.maySee(source, observation("a"), facts)).isFalse();
		assertThat(policy.mayWrite(source, Interaction.CREATE, own)).isTrue();
		assertThat(policy.mayWrite(source, Interaction.UPDATE, other)).isFalse();
		assertThat(policy.mayWrite(source, Interaction.UPDATE, both)).isFalse();
		assertThat(policy.mayWrite(source, Interaction.CREATE, observation("a"))).isFalse();
		assertThat(policy.patientsVisibleTo(source, facts)).isEmpty();
	}

	@Test
	void readScopeWithoutSearchCannotSearch() {
		HubPrincipal readOnly = principal(Party.PARTNER_CLINIC, "user/Observation.r", "clinic-a", null, null);

		assertThat(policy.mayAttempt(readOnly, RestOperationTypeEnum.READ, "Observation", null)).isTrue();
		assertThat(policy.mayAttempt(readOnly, RestOperationTypeEnum.VREAD, "Observation", null)).isTrue();
		assertThat(policy.mayAttempt(readOnly, RestOperationTypeEnum.SEARCH_TYPE, "Observation", null)).isFalse();
		assertThat(policy.mayAttempt(readOnly, RestOperationTypeEnum.READ, "Patient", null)).isFalse();
	}

	@Test
	void clinicsAndInsurersNeverWriteWhateverTheirScopes() {
		for (Party party : List.of(Party.PARTNER_CLINIC, Party.INSURER)) {
			HubPrincipal p = principal(party, "user/*.cruds", "clinic-a", null, null);
			assertThat(policy.mayAttempt(p, RestOperationTypeEnum.CREATE, "Observation", null)).isFalse();
			assertThat(policy.mayWrite(p, Interaction.CREATE, observation("a"))).isFalse();
		}
	}

	@Test
	void onlyAuditorsReadAuditEventsAndNobodyWritesThemOverRest() {
		HubPrincipal auditor = principal(Party.AUDITOR, "user/AuditEvent.rs", null, null, null);
		HubPrincipal admin = principal(Party.ADMIN, "system/*.cruds", null, null, null);
		AuditEvent event = new AuditEvent();
		event.setId("AuditEvent/e1");

		assertThat(policy.maySee(auditor, event, facts)).isTrue();
		assertThat(policy.maySee(admin, event, facts)).isFalse();
		assertThat(policy.mayAttempt(auditor, RestOperationTypeEnum.SEARCH_TYPE, "AuditEvent", null)).isTrue();
		assertThat(policy.mayAttempt(admin, RestOperationTypeEnum.SEARCH_TYPE, "AuditEvent", null)).isFalse();
		assertThat(policy.maySee(auditor, observation("a"), facts)).isFalse();
		for (HubPrincipal p : List.of(auditor, admin, HubPrincipal.securityDisabled())) {
			assertThat(policy.mayAttempt(p, RestOperationTypeEnum.CREATE, "AuditEvent", null)).isFalse();
			assertThat(policy.mayWrite(p, Interaction.UPDATE, event)).isFalse();
		}
		assertThat(policy.mayWrite(HubPrincipal.system(), Interaction.CREATE, event)).isTrue();
	}

	@Test
	void patientBoundCallersCannotChainIntoOtherResources() {
		HubPrincipal clinic = principal(Party.PARTNER_CLINIC, "user/*.rs", "clinic-a", null, null);
		HubPrincipal source = principal(Party.EHR_SOURCE, "system/*.rs", null, null, "demo-ehr");

		assertThat(AccessPolicy.maySearchWith(clinic, "patient")).isTrue();
		assertThat(AccessPolicy.maySearchWith(clinic, "code:text")).isTrue();
		assertThat(AccessPolicy.maySearchWith(clinic, "has-member.subject")).isFalse();
		assertThat(AccessPolicy.maySearchWith(clinic, "subject:Patient.family")).isFalse();
		assertThat(AccessPolicy.maySearchWith(clinic, "_has:Observation:has-member:code")).isFalse();
		assertThat(AccessPolicy.maySearchWith(source, "has-member.subject")).isTrue();
		assertThat(AccessPolicy.maySearchWith(HubPrincipal.securityDisabled(), "_has:Observation:patient:code")).isTrue();
	}

	@Test
	void systemWideSearchAndOtherOperationsAreRefusedToTokens() {
		HubPrincipal admin = principal(Party.ADMIN, "system/*.cruds", null, null, null);

		assertThat(policy.mayAttempt(admin, RestOperationTypeEnum.SEARCH_SYSTEM, null, null)).isFalse();
		assertThat(policy.mayAttempt(admin, RestOperationTypeEnum.HISTORY_SYSTEM, null, null)).isFalse();
		assertThat(policy.mayAttempt(admin, RestOperationTypeEnum.EXTENDED_OPERATION_TYPE, "Patient", "$meta")).isFalse();
		assertThat(policy.mayAttempt(admin, RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE, "Patient", "$validate")).isFalse();
		assertThat(policy.mayAttempt(admin, RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE, "Patient", "$everything")).isTrue();
		assertThat(policy.mayAttempt(admin, RestOperationTypeEnum.METADATA, null, null)).isTrue();
	}

	@Test
	void aSegmentGroupIsVisibleToAPatientBoundCallerOnlyWhenItMaySeeEveryMember() {
		HubPrincipal clinicA = principal(Party.PARTNER_CLINIC, "user/*.rs", "clinic-a", null, null);
		HubPrincipal patientA = principal(Party.PATIENT, "patient/*.rs", null, "a", null);
		HubPrincipal admin = principal(Party.ADMIN, "system/*.cruds", null, null, null);
		org.hl7.fhir.r4.model.Group ofA = new org.hl7.fhir.r4.model.Group();
		ofA.setId("Group/segment-a");
		ofA.setType(org.hl7.fhir.r4.model.Group.GroupType.PERSON).setActual(true);
		ofA.addMember().setEntity(new Reference("Patient/a"));
		org.hl7.fhir.r4.model.Group ofBoth = ofA.copy();
		ofBoth.setId("Group/segment-both");
		ofBoth.addMember().setEntity(new Reference("Patient/b"));

		assertThat(policy.maySee(clinicA, ofA, facts)).isTrue();
		assertThat(policy.maySee(clinicA, ofBoth, facts)).as("member b did not consent").isFalse();
		assertThat(policy.maySee(patientA, ofA, facts)).isTrue();
		assertThat(policy.maySee(patientA, ofBoth, facts)).isFalse();
		assertThat(policy.maySee(admin, ofBoth, facts)).isTrue();
	}

	@Test
	void theEngagementSummaryIsOpenLikeEverythingAndTheCatchUpToAdministratorsOnly() {
		HubPrincipal admin = principal(Party.ADMIN, "system/*.cruds", null, null, null);
		HubPrincipal clinic = principal(Party.PARTNER_CLINIC, "user/*.rs", "clinic-a", null, null);
		HubPrincipal patientA = principal(Party.PATIENT, "patient/*.rs", null, "a", null);
		HubPrincipal source = principal(Party.EHR_SOURCE, "system/*.cruds", null, null, "demo-ehr");
		HubPrincipal engineer = principal(Party.INTEGRATION_ENGINEER, "system/*.cruds", null, null, null);

		for (HubPrincipal reader : List.of(admin, clinic, patientA)) {
			assertThat(policy.mayAttempt(reader, RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE, "Patient",
					"$engagement-summary")).isTrue();
		}
		assertThat(policy.mayAttempt(source, RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE, "Patient",
				"$engagement-summary")).isFalse();
		assertThat(policy.mayAttempt(admin, RestOperationTypeEnum.EXTENDED_OPERATION_SERVER, null, "$engagement-recompute")).isTrue();
		for (HubPrincipal other : List.of(clinic, patientA, source, engineer)) {
			assertThat(policy.mayAttempt(other, RestOperationTypeEnum.EXTENDED_OPERATION_SERVER, null,
					"$engagement-recompute")).isFalse();
		}
		assertThat(policy.mayAttempt(admin, RestOperationTypeEnum.EXTENDED_OPERATION_SERVER, null, "$reindex")).isFalse();
	}

	@Test
	void patientIndexOperationsAreForDataStewardsOnly() {
		HubPrincipal admin = principal(Party.ADMIN, "system/*.cruds", null, null, null);
		HubPrincipal engineer = principal(Party.INTEGRATION_ENGINEER, "system/Patient.rs", null, null, null);
		HubPrincipal clinic = principal(Party.PARTNER_CLINIC, "user/*.rs", "clinic-a", null, null);
		HubPrincipal source = principal(Party.EHR_SOURCE, "system/*.cruds", null, null, "demo-ehr");

		assertThat(policy.mayAttempt(admin, RestOperationTypeEnum.EXTENDED_OPERATION_TYPE, "Patient", "$mdm-query-links")).isTrue();
		assertThat(policy.mayAttempt(engineer, RestOperationTypeEnum.EXTENDED_OPERATION_TYPE, "Patient", "$mdm-query-links")).isTrue();
		assertThat(policy.mayAttempt(clinic, RestOperationTypeEnum.EXTENDED_OPERATION_TYPE, "Patient", "$mdm-query-links")).isFalse();
		assertThat(policy.mayAttempt(source, RestOperationTypeEnum.EXTENDED_OPERATION_TYPE, "Patient", "$mdm-query-links")).isFalse();
		assertThat(policy.mayAttempt(admin, RestOperationTypeEnum.EXTENDED_OPERATION_TYPE, "Observation", "$mdm-query-links")).isFalse();
	}

	@Test
	void outreachReadsRequestsAndPatientsCompletesRequestsAndRecordsCommunicationsAndNothingElse() {
		HubPrincipal outreach = principal(Party.OUTREACH, "system/*.cruds", null, null, null);
		CommunicationRequest request = new CommunicationRequest();
		request.setId("CommunicationRequest/r1");
		request.setSubject(new Reference("Patient/a"));
		Communication communication = new Communication();
		communication.setId("Communication/c1");
		communication.setSubject(new Reference("Patient/b"));

		for (String type : List.of("Patient", "CommunicationRequest", "Communication")) {
			assertThat(policy.mayAttempt(outreach, RestOperationTypeEnum.READ, type, null)).as(type).isTrue();
			assertThat(policy.mayAttempt(outreach, RestOperationTypeEnum.SEARCH_TYPE, type, null)).as(type).isTrue();
			assertThat(policy.mayAttempt(outreach, RestOperationTypeEnum.DELETE, type, null)).as(type).isFalse();
		}
		assertThat(policy.maySee(outreach, patient("b"), facts)).as("any patient: it needs their addresses").isTrue();
		assertThat(policy.maySee(outreach, request, facts)).isTrue();
		assertThat(policy.maySee(outreach, observation("a"), facts)).isFalse();
		assertThat(policy.mayAttempt(outreach, RestOperationTypeEnum.READ, "Observation", null)).isFalse();
		assertThat(policy.patientsVisibleTo(outreach, facts)).isEmpty();

		assertThat(policy.mayAttempt(outreach, RestOperationTypeEnum.UPDATE, "CommunicationRequest", null)).isTrue();
		assertThat(policy.mayAttempt(outreach, RestOperationTypeEnum.CREATE, "CommunicationRequest", null)).isFalse();
		assertThat(policy.mayAttempt(outreach, RestOperationTypeEnum.CREATE, "Communication", null)).isTrue();
		assertThat(policy.mayAttempt(outreach, RestOperationTypeEnum.UPDATE, "Patient", null)).isFalse();
		assertThat(policy.mayWrite(outreach, Interaction.UPDATE, request)).isTrue();
		assertThat(policy.mayWrite(outreach, Interaction.CREATE, request)).isFalse();
		assertThat(policy.mayWrite(outreach, Interaction.CREATE, communication)).isTrue();
		assertThat(policy.mayWrite(outreach, Interaction.UPDATE, communication)).isTrue();
		assertThat(policy.mayWrite(outreach, Interaction.DELETE, communication)).isFalse();
		assertThat(policy.mayWrite(outreach, Interaction.UPDATE, patient("a"))).isFalse();
		assertThat(policy.mayAttempt(outreach, RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE, "Patient", "$everything")).isFalse();

		HubPrincipal scoped = principal(Party.OUTREACH, "system/CommunicationRequest.rus system/Communication.crus system/Patient.rs",
				null, null, null);
		assertThat(policy.mayAttempt(scoped, RestOperationTypeEnum.UPDATE, "Communication", null)).isTrue();
		assertThat(policy.mayAttempt(scoped, RestOperationTypeEnum.CREATE, "Patient", null)).as("scope").isFalse();
	}

	static HubPrincipal principal(Party party, String scopes, String organization, String patient, String source) {
		return new HubPrincipal("client", "subject", Set.of(party), SmartScopes.parse(scopes),
				Optional.ofNullable(organization), Optional.ofNullable(patient), Optional.ofNullable(source),
				HubPrincipal.Kind.TOKEN);
	}

	static Observation observation(String patientId) {
		Observation o = new Observation();
		o.setId("Observation/o-" + patientId);
		o.setSubject(new Reference("Patient/" + patientId));
		return o;
	}

	static DocumentReference document(String patientId) {
		DocumentReference d = new DocumentReference();
		d.setId("DocumentReference/d-" + patientId);
		d.setSubject(new Reference("Patient/" + patientId));
		return d;
	}

	static Patient patient(String id) {
		Patient p = new Patient();
		p.setId("Patient/" + id);
		return p;
	}

	static Coverage coverage(String patientId, String payor) {
		Coverage c = new Coverage();
		c.setId("Coverage/c-" + patientId);
		c.setStatus(Coverage.CoverageStatus.ACTIVE);
		c.setBeneficiary(new Reference("Patient/" + patientId));
		c.addPayor(new Reference("Organization/" + payor));
		return c;
	}

	static <T extends IBaseResource> T tagged(T resource, String source) {
		resource.getMeta().addTag().setSystem(SOURCE_TAG).setCode(source);
		return resource;
	}

	/** Facts as plain values: the consents per patient and the patients per insurer. */
	record Facts(Map<String, List<Consent>> consents, Map<String, Set<String>> covered,
			Map<String, Set<String>> inCare) implements AccessFacts {

		Facts(Map<String, List<Consent>> consents, Map<String, Set<String>> covered) {
			this(consents, covered, Map.of());
		}

		@Override
		public Set<String> patientsInCareOf(String organizationId) {
			return inCare.getOrDefault(organizationId, Set.of());
		}

		@Override
		public Instant now() {
			return ConsentRulesTest.NOW;
		}

		@Override
		public List<Consent> consentsOf(String patientId) {
			return consents.getOrDefault(patientId, List.of());
		}

		@Override
		public Set<String> patientsCoveredBy(String organizationId) {
			return covered.getOrDefault(organizationId, Set.of());
		}

		@Override
		public Set<String> patientsConsentingTo(String organizationId) {
			return Set.copyOf(consents.entrySet().stream()
					.filter(e -> e.getValue().stream()
							.anyMatch(c -> ConsentRules.mayPermitSomethingTo(c, organizationId, now())))
					.map(Map.Entry::getKey).toList());
		}
	}
}
