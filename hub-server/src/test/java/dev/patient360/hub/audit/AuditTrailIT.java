package dev.patient360.hub.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;

import dev.patient360.hub.security.HubPrincipal;
import dev.patient360.hub.testsupport.HubIntegrationTest;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Every FHIR request leaves exactly the audit records the audit model promises, after the drain. */
class AuditTrailIT extends HubIntegrationTest {

	@Autowired
	DataSource dataSource;

	@Autowired
	DaoRegistry daos;

	@Autowired
	PlatformTransactionManager transactions;

	@Autowired
	RestfulServer restfulServer;

	private final String run = UUID.randomUUID().toString().substring(0, 8);
	private final Date started = new Date(System.currentTimeMillis() - 1000);
	private int sequence;

	@Test
	void mixedRequestsEachLeaveTheirAuditEventWithInteractionOutcomeAndPatient() {
		Map<String, Expected> expected = new LinkedHashMap<>();

		String createPatient = id();
		HttpResponse<String> created = send(createPatient, "POST", "/Patient", "{\"resourceType\":\"Patient\",\"active\":true}");
		assertThat(created.statusCode()).isEqualTo(201);
		String patientId = parse(Patient.class, created.body()).getIdElement().getIdPart();
		expected.put(createPatient, new Expected("create", "0", patientId));

		String read = id();
		assertThat(send(read, "GET", "/Patient/" + patientId, null).statusCode()).isEqualTo(200);
		expected.put(read, new Expected("read", "0", patientId));

		String update = id();
		assertThat(send(update, "PUT", "/Patient/" + patientId,
				"{\"resourceType\":\"Patient\",\"id\":\"" + patientId + "\",\"active\":false}").statusCode()).isEqualTo(200);
		expected.put(update, new Expected("update", "0", patientId));

		String createObservation = id();
		Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL);
		observation.getCode().setText("audit");
		observation.setSubject(new Reference("Patient/" + patientId));
		HttpResponse<String> obsCreated = send(createObservation, "POST", "/Observation", json(observation));
		assertThat(obsCreated.statusCode()).isEqualTo(201);
		String observationId = parse(Observation.class, obsCreated.body()).getIdElement().getIdPart();
		expected.put(createObservation, new Expected("create", "0", patientId));

		String search = id();
		assertThat(send(search, "GET", "/Observation?subject=Patient/" + patientId, null).statusCode()).isEqualTo(200);
		expected.put(search, new Expected("search-type", "0", patientId));

		String everything = id();
		assertThat(send(everything, "GET", "/Patient/" + patientId + "/$everything", null).statusCode()).isEqualTo(200);
		expected.put(everything, new Expected("operation", "0", patientId));

		String notFound = id();
		assertThat(send(notFound, "GET", "/Patient/no-such-" + run, null).statusCode()).isEqualTo(404);
		expected.put(notFound, new Expected("read", "4", "no-such-" + run));

		String badBody = id();
		assertThat(send(badBody, "POST", "/Patient", "{\"resourceType\":\"Patient\",\"birthDate\":\"not-a-date\"}")
				.statusCode()).isEqualTo(400);
		expected.put(badBody, new Expected("create", "4", null));

		String transaction = id();
		Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		Observation inTx = new Observation().setStatus(Observation.ObservationStatus.FINAL);
		inTx.getCode().setText("audit in transaction");
		inTx.setSubject(new Reference("Patient/" + patientId));
		tx.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(inTx)
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
		assertThat(send(transaction, "POST", "", json(tx)).statusCode()).isEqualTo(200);
		expected.put(transaction, new Expected("transaction", "0", patientId));

		String delete = id();
		assertThat(send(delete, "DELETE", "/Observation/" + observationId, null).statusCode()).isEqualTo(200);
		expected.put(delete, new Expected("delete", "0", patientId));

		assertThat(send(id(), "GET", "/metadata", null).statusCode()).isEqualTo(200);

		Map<String, List<AuditEvent>> recorded = drainedEventsByRequestId();
		for (var e : expected.entrySet()) {
			List<AuditEvent> events = recorded.getOrDefault(e.getKey(), List.of());
			assertThat(events).as("audit events of request %s (%s)", e.getKey(), e.getValue()).hasSize(1);
			AuditEvent event = events.get(0);
			assertThat(event.getSubtypeFirstRep().getCode()).as(e.getKey()).isEqualTo(e.getValue().interaction());
			assertThat(event.getOutcome().toCode()).as(e.getKey()).isEqualTo(e.getValue().outcome());
			if (e.getValue().patient() != null) {
				assertThat(patients(event)).as(e.getKey()).contains("Patient/" + e.getValue().patient());
			}
			assertThat(event.getAgentFirstRep().getNetwork().getAddress()).isEqualTo("127.0.0.1");
			assertThat(event.getAgentFirstRep().getRequestor()).isTrue();
		}
		// A transaction: one record, written in its database transaction, naming what it wrote.
		assertThat(recorded.get(transaction).get(0).getEntity()).anySatisfy(entity ->
				assertThat(entity.getWhat().getReference()).matches("Observation/\\d+/_history/1"));
		// An auditor finds a patient's trail by the standard search parameter.
		SearchParameterMap ofPatient = SearchParameterMap.newSynchronous()
				.add(AuditEvent.SP_PATIENT, new ReferenceParam("Patient/" + patientId));
		// (the deletion names it logically: create, read, update, create, search, $everything, transaction)
		assertThat(daos.getResourceDao(AuditEvent.class).search(ofPatient, new SystemRequestDetails())
				.getAllResources()).hasSize(7);
		// The trail names the patient, yet is not part of the patient's $everything.
		Bundle everythingAfter = parse(Bundle.class, send(id(), "GET", "/Patient/" + patientId + "/$everything?_count=500", null).body());
		assertThat(everythingAfter.getEntry()).extracting(e -> e.getResource().fhirType())
				.contains("Patient", "Observation").doesNotContain("AuditEvent");
		// The capability statement is not audited.
		assertThat(recorded.keySet()).hasSize(expected.size());
		// A search keeps its query in the record.
		AuditEvent searchEvent = recorded.get(search).get(0);
		assertThat(searchEvent.getEntity()).filteredOn(entity -> entity.hasQuery()).singleElement()
				.satisfies(entity -> assertThat(new String(entity.getQuery())).contains("subject=Patient/" + patientId));
	}

	@Test
	void theRecordOfAWriteIsInTheWritesOwnTransactionAndRollsBackWithIt() {
		String rolledBack = id();
		String committed = id();
		TransactionTemplate tx = new TransactionTemplate(transactions);
		AtomicInteger seenBeforeCommit = new AtomicInteger(-1);

		assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
			daos.getResourceDao(Patient.class).create(new Patient().setActive(true), servletRequest(rolledBack));
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void beforeCommit(boolean readOnly) {
					// After the audit record's insert, on the same connection; then the commit fails.
					seenBeforeCommit.set(queueRows(rolledBack));
					throw new IllegalStateException("commit refused by the test");
				}
			});
		})).hasMessageContaining("commit refused by the test");
		tx.executeWithoutResult(status ->
				daos.getResourceDao(Patient.class).create(new Patient().setActive(true), servletRequest(committed)));

		assertThat(seenBeforeCommit.get()).as("record inserted in the write's transaction").isEqualTo(1);
		Map<String, List<AuditEvent>> recorded = drainedEventsByRequestId();
		assertThat(queueRows(rolledBack)).isZero();
		assertThat(recorded.get(rolledBack)).as("no record of the rolled-back write").isNull();
		assertThat(recorded.get(committed)).hasSize(1);
		assertThat(recorded.get(committed).get(0).getSubtypeFirstRep().getCode()).isEqualTo("create");
	}

	@Test
	void aFailedTransactionLeavesOnlyTheRecordOfItsRefusalNoneOfItsEntries() {
		String failing = id();
		Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		String patientUrn = "urn:uuid:" + UUID.randomUUID();
		tx.addEntry().setFullUrl(patientUrn).setResource(new Patient().setActive(true))
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
		Observation bad = new Observation().setStatus(Observation.ObservationStatus.FINAL);
		bad.getCode().setText("bad");
		bad.setSubject(new Reference("Patient/no-such-patient-" + run));
		tx.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(bad)
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");

		assertThat(send(failing, "POST", "", json(tx)).statusCode()).isBetween(400, 422);

		List<AuditEvent> events = drainedEventsByRequestId().get(failing);
		assertThat(events).hasSize(1);
		assertThat(events.get(0).getSubtypeFirstRep().getCode()).isEqualTo("transaction");
		assertThat(events.get(0).getOutcome().toCode()).isEqualTo("4");
	}

	@Test
	void whenTheAuditRecordCannotBeStoredTheCallerGets503InsteadOfTheData() {
		HttpResponse<String> created = send(id(), "POST", "/Patient", "{\"resourceType\":\"Patient\",\"active\":true}");
		String patientId = parse(Patient.class, created.body()).getIdElement().getIdPart();
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		jdbc.execute("alter table " + AuditQueue.TABLE + " rename to " + AuditQueue.TABLE + "_away");
		try {
			HttpResponse<String> read = send(id(), "GET", "/Patient/" + patientId, null);
			assertThat(read.statusCode()).isEqualTo(503);
			assertThat(read.headers().firstValue("Retry-After")).isPresent();
			assertThat(parse(OperationOutcome.class, read.body()).getIssueFirstRep().getDiagnostics()).startsWith("HUB-2101");

			HttpResponse<String> write = send(id(), "POST", "/Patient", "{\"resourceType\":\"Patient\",\"active\":true}");
			assertThat(write.statusCode()).isEqualTo(503);
			assertThat(parse(OperationOutcome.class, write.body()).getIssueFirstRep().getDiagnostics()).startsWith("HUB-2101");
		}
		finally {
			jdbc.execute("alter table " + AuditQueue.TABLE + "_away rename to " + AuditQueue.TABLE);
		}
		assertThat(send(id(), "GET", "/Patient/" + patientId, null).statusCode()).isEqualTo(200);
	}

	@Test
	void aRecordCommittedWithoutWaitingForTheDiskIsDrainedLikeAnyOther() throws Exception {
		String requestId = id();
		AuditFacts facts = new AuditFacts(java.time.Instant.now(), "read", null, 200, null,
				AuditFacts.Caller.unauthenticated(), "127.0.0.1", requestId, List.of(), List.of(), null, false);
		new AuditQueue(dataSource, false).enqueueNow(fhirContext.newJsonParser()
				.encodeResourceToString(new AuditEventBuilder("test").build(facts)));

		assertThat(drainedEventsByRequestId().get(requestId)).hasSize(1);
	}

	private String id() {
		return "audit-it-" + run + "-" + (++sequence);
	}

	private HttpResponse<String> send(String requestId, String method, String path, String body) {
		return http(method, path, body, "X-Request-ID", requestId);
	}

	private ServletRequestDetails servletRequest(String requestId) {
		MockHttpServletRequest servlet = new MockHttpServletRequest("POST", "/fhir/Patient");
		// What the security filter puts on every request of this (security-disabled) context.
		servlet.setAttribute(HubPrincipal.REQUEST_ATTRIBUTE, HubPrincipal.securityDisabled());
		// The FHIR server's interceptors, as for a request it received.
		ServletRequestDetails request = new ServletRequestDetails(restfulServer.getInterceptorService());
		request.setServletRequest(servlet);
		request.setRequestId(requestId);
		return request;
	}

	private int queueRows(String requestId) {
		return queueRowsLike("%\"" + requestId + "\"%");
	}

	private int queueRowsLike(String pattern) {
		Integer n = new JdbcTemplate(dataSource).queryForObject("select count(*) from " + AuditQueue.TABLE
				+ " where payload like ?", Integer.class, pattern);
		return n == null ? 0 : n;
	}

	/** Waits until the drain has emptied the queue of this test's records, then reads the AuditEvents. */
	private Map<String, List<AuditEvent>> drainedEventsByRequestId() {
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
				.until(() -> queueRowsLike("%\"audit-it-" + run + "-%") == 0);
		SearchParameterMap since = SearchParameterMap.newSynchronous()
				.add(AuditEvent.SP_DATE, new DateParam(ParamPrefixEnum.GREATERTHAN_OR_EQUALS, started));
		Map<String, List<AuditEvent>> byRequest = new LinkedHashMap<>();
		for (var resource : daos.getResourceDao(AuditEvent.class).search(since, new SystemRequestDetails()).getAllResources()) {
			AuditEvent event = (AuditEvent) resource;
			event.getEntity().stream()
					.filter(e -> "XrequestId".equals(e.getType().getCode()))
					.map(e -> e.getWhat().getIdentifier().getValue())
					.filter(id -> id.startsWith("audit-it-" + run + "-"))
					.findFirst()
					.ifPresent(id -> byRequest.computeIfAbsent(id, k -> new ArrayList<>()).add(event));
		}
		return byRequest;
	}

	/** Literal references, or logical ones for patients that do not exist (any more). */
	private static List<String> patients(AuditEvent event) {
		return event.getEntity().stream().filter(e -> "1".equals(e.getRole().getCode()))
				.map(e -> e.getWhat().hasReference() ? e.getWhat().getReference() : e.getWhat().getIdentifier().getValue())
				.toList();
	}

	private record Expected(String interaction, String outcome, String patient) {
	}
}
