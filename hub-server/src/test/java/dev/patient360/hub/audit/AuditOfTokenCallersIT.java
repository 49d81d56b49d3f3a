package dev.patient360.hub.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;

import dev.patient360.hub.testsupport.SecuredHubIntegrationTest;
import dev.patient360.profiles.ConsentCodes;
import dev.patient360.hub.testsupport.Tokens;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * With security on and real Keycloak tokens: the record names the calling client and its subject,
 * and refusals (401 before the FHIR server, 403 from an authorization decision inside it) are
 * recorded as minor failures.
 */
class AuditOfTokenCallersIT extends SecuredHubIntegrationTest {

	private static final String DENY_HEADER = "X-Test-Deny";

	@Autowired
	DaoRegistry daos;

	@Autowired
	DataSource dataSource;

	@Autowired
	RestfulServer restfulServer;

	private final String run = UUID.randomUUID().toString().substring(0, 8);
	private final DenyMarkedRequests deny = new DenyMarkedRequests();

	/**
	 * Stands in for the authorization interceptors (not on this branch): refuses with 403, inside
	 * the FHIR server, what the test marks.
	 */
	@Interceptor
	static final class DenyMarkedRequests {
		@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
		void deny(RequestDetails request) {
			if (request.getHeader(DENY_HEADER) != null) {
				throw new ForbiddenOperationException("HUB-0403: refused by the test's authorization rule");
			}
		}
	}

	@BeforeEach
	void registerDeny() {
		restfulServer.registerInterceptor(deny);
	}

	@AfterEach
	void unregisterDeny() {
		restfulServer.unregisterInterceptor(deny);
	}

	@Test
	void aReadWithATokenNamesTheClientAndItsSubject() {
		String patientId = admin().create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
		admin().update().resource(new Organization().setName("Demo Clinic").setId("Organization/demo-clinic")).execute();
		admin().create().resource(disclosureTo("Organization/demo-clinic", "Patient/" + patientId)).execute();
		String requestId = "audit-tok-" + run + "-read";

		HttpResponse<String> read = httpAs("demo-clinic", "GET", "/Patient/" + patientId, null, "X-Request-ID", requestId);

		assertThat(read.statusCode()).isEqualTo(200);
		AuditEvent event = drained(requestId);
		assertThat(event.getOutcome().toCode()).isEqualTo("0");
		assertThat(event.getSubtypeFirstRep().getCode()).isEqualTo("read");
		assertThat(event.getAgentFirstRep().getWho().getIdentifier().getSystem()).isEqualTo(AuditEventBuilder.CLIENT_ID_SYSTEM);
		assertThat(event.getAgentFirstRep().getWho().getIdentifier().getValue()).isEqualTo("demo-clinic");
		String subject = (String) Tokens.claims(Tokens.forClient("demo-clinic")).get("sub");
		assertThat(event.getAgent()).anySatisfy(agent -> {
			assertThat(agent.getWho().getIdentifier().getSystem()).isEqualTo(AuditEventBuilder.SUBJECT_SYSTEM);
			assertThat(agent.getWho().getIdentifier().getValue()).isEqualTo(subject);
		});
		assertThat(event.getEntity()).anySatisfy(entity ->
				assertThat(entity.getWhat().getReference()).isEqualTo("Patient/" + patientId));
	}

	/** A Consent that lets the organization read the patient's data (the clinic may read nothing else). */
	private static Consent disclosureTo(String organization, String patient) {
		Consent consent = new Consent().setStatus(Consent.ConsentState.ACTIVE)
				.setScope(new CodeableConcept(new Coding(ConsentCodes.SCOPE_SYSTEM, ConsentCodes.SCOPE_PATIENT_PRIVACY, null)))
				.setPatient(new Reference(patient));
		consent.addCategory(new CodeableConcept(new Coding(ConsentCodes.CATEGORY_SYSTEM, ConsentCodes.CATEGORY_DISCLOSURE, null)));
		consent.getProvision().setType(Consent.ConsentProvisionType.PERMIT).addActor()
				.setRole(new CodeableConcept(new Coding(ConsentCodes.PARTICIPATION_TYPE_SYSTEM, ConsentCodes.ROLE_RECIPIENT, null)))
				.setReference(new Reference(organization));
		return consent;
	}

	@Test
	void aRequestWithoutATokenIsRecordedAsARefusalOfAnUnauthenticatedCaller() {
		String requestId = "audit-tok-" + run + "-401";

		HttpResponse<String> refused = httpWithToken(null, "GET", "/Patient/some-patient", null, "X-Request-ID", requestId);

		assertThat(refused.statusCode()).isEqualTo(401);
		assertThat(refused.body()).contains("OperationOutcome");
		AuditEvent event = drained(requestId);
		assertThat(event.getOutcome().toCode()).isEqualTo("4");
		assertThat(event.getOutcomeDesc()).startsWith("HTTP 401");
		assertThat(event.getSubtypeFirstRep().getCode()).isEqualTo("read");
		assertThat(event.getAgentFirstRep().getWho().getDisplay()).isEqualTo("unauthenticated caller");
		assertThat(event.getAgentFirstRep().getNetwork().getAddress()).isEqualTo("127.0.0.1");
		assertThat(event.getEntity()).anySatisfy(entity ->
				assertThat(entity.getWhat().getIdentifier().getValue()).isEqualTo("Patient/some-patient"));
	}

	@Test
	void aRefusalWhoseRecordCannotBeStoredIsHeldBackAndAnswered503() {
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		jdbc.execute("alter table " + AuditQueue.TABLE + " rename to " + AuditQueue.TABLE + "_away");
		HttpResponse<String> refused;
		try {
			refused = httpWithToken(null, "GET", "/Patient/some-patient", null, "X-Request-ID", "audit-tok-" + run + "-503");
		}
		finally {
			jdbc.execute("alter table " + AuditQueue.TABLE + "_away rename to " + AuditQueue.TABLE);
		}
		// The security filters had flushed their 401; it was held back until the record failed.
		assertThat(refused.statusCode()).isEqualTo(503);
		assertThat(refused.headers().firstValue("Retry-After")).isPresent();
		assertThat(refused.body()).contains("HUB-2101");
	}

	@Test
	void aRequestRefusedByAnAuthorizationRuleIsRecordedWithTheCallerAndTheRefusal() {
		String requestId = "audit-tok-" + run + "-403";

		HttpResponse<String> refused = httpAs("demo-insurer", "GET", "/Observation?subject=Patient/p-403", null,
				"X-Request-ID", requestId, DENY_HEADER, "yes");

		assertThat(refused.statusCode()).isEqualTo(403);
		AuditEvent event = drained(requestId);
		assertThat(event.getOutcome().toCode()).isEqualTo("4");
		assertThat(event.getOutcomeDesc()).isEqualTo("HTTP 403 HUB-0403");
		assertThat(event.getSubtypeFirstRep().getCode()).isEqualTo("search-type");
		assertThat(event.getAgentFirstRep().getWho().getIdentifier().getValue()).isEqualTo("demo-insurer");
		assertThat(event.getEntity()).anySatisfy(entity ->
				assertThat(entity.getWhat().getIdentifier().getValue()).isEqualTo("Patient/p-403"));
	}

	/** The one AuditEvent of the request, once the drain has stored it. */
	private AuditEvent drained(String requestId) {
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
				jdbc.queryForObject("select count(*) from " + AuditQueue.TABLE + " where payload like ?", Integer.class,
						"%\"" + requestId + "\"%") == 0);
		List<AuditEvent> events = daos.getResourceDao(AuditEvent.class)
				.search(SearchParameterMap.newSynchronous(), new SystemRequestDetails()).getAllResources().stream()
				.map(AuditEvent.class::cast)
				.filter(e -> e.getEntity().stream().anyMatch(entity -> "XrequestId".equals(entity.getType().getCode())
						&& requestId.equals(entity.getWhat().getIdentifier().getValue())))
				.toList();
		assertThat(events).as("AuditEvents of request %s", requestId).hasSize(1);
		return events.get(0);
	}
}
