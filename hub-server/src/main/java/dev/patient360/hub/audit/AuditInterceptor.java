package dev.patient360.hub.audit;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.interceptor.ExceptionHandlingInterceptor;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;

import dev.patient360.hub.errors.HubErrorCode;
import dev.patient360.hub.fhir.HubInterceptor;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Records every FHIR request in the audit trail before its answer is sent.
 * <ul>
 * <li>The resources a request creates, updates or deletes are recorded inside the database
 * transaction that writes them, as its last statement before the commit: the record commits or
 * rolls back with the data. A FHIR transaction is one database transaction and so one record; each
 * entry of a batch is a transaction, and a record, of its own.</li>
 * <li>Reads, searches, operations and batches, and every failure (refusals, not found, invalid
 * input), are recorded on a connection of their own just before the answer is written. When that
 * fails the caller gets 503 instead of the answer: nothing answered goes unrecorded.</li>
 * </ul>
 * A write or transaction whose record committed with it gets no second record. The capability
 * statement is not audited. Writes the hub makes itself (system requests, e.g. storing AuditEvents)
 * are not audited.
 */
@Interceptor
class AuditInterceptor implements HubInterceptor {

	/** After consent and every other filter of the response, so the record shows what was answered. */
	static final int RESPONSE_ORDER = 10_000;
	/** Before any other exception handler can take over the answer. */
	static final int EXCEPTION_ORDER = -10_000;
	private static final String COMMITTED_WRITES = AuditInterceptor.class.getName() + ".committedWrites";
	private static final String NOT_RECORDED = AuditInterceptor.class.getName() + ".notRecorded";
	/** Requests whose one database transaction holds their whole record when they wrote anything. */
	private static final Set<RestOperationTypeEnum> RECORDED_IN_TRANSACTION = Set.of(RestOperationTypeEnum.CREATE,
			RestOperationTypeEnum.UPDATE, RestOperationTypeEnum.PATCH, RestOperationTypeEnum.DELETE,
			RestOperationTypeEnum.TRANSACTION);
	private static final ExceptionHandlingInterceptor ANSWER = new ExceptionHandlingInterceptor();

	private final AuditTrail trail;

	AuditInterceptor(AuditTrail trail) {
		this.trail = trail;
	}

	/** Transaction entries run as sub-requests with ids of their own; their records carry the request's. */
	@Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
	void remember(RequestDetails request, HttpServletRequest servletRequest) {
		servletRequest.setAttribute(RequestFacts.REQUEST_ID_ATTRIBUTE, request.getRequestId());
		if (request.getRestOperationType() != null) {
			servletRequest.setAttribute(RequestFacts.OPERATION_ATTRIBUTE, request.getRestOperationType());
		}
	}

	@Hook(value = Pointcut.SERVER_OUTGOING_RESPONSE, order = RESPONSE_ORDER)
	boolean beforeAnswer(RequestDetails request, ResponseDetails response, HttpServletRequest servletRequest,
			HttpServletResponse servletResponse) {
		if (!audited(request)) {
			return true;
		}
		servletRequest.setAttribute(AuditTrail.RECORDED_ATTRIBUTE, Boolean.TRUE);
		if (RECORDED_IN_TRANSACTION.contains(request.getRestOperationType()) && committedWrites(request).get() > 0) {
			return true;
		}
		try {
			trail.recordResponse(trail.facts().ofResponse(request, response.getResponseCode(),
					response.getResponseResource(), null));
		}
		catch (AuditTrail.NotRecordedException e) {
			request.getUserData().put(NOT_RECORDED, Boolean.TRUE);
			servletResponse.setHeader("Retry-After", AuditUnavailableException.RETRY_AFTER_SECONDS);
			throw new AuditUnavailableException();
		}
		return true;
	}

	@Hook(value = Pointcut.SERVER_HANDLE_EXCEPTION, order = EXCEPTION_ORDER)
	boolean onFailure(RequestDetails request, BaseServerResponseException failure, HttpServletRequest servletRequest,
			HttpServletResponse servletResponse) throws ServletException, IOException {
		if (!audited(request) || request.getUserData().containsKey(NOT_RECORDED)
				|| isDatabaseUnavailable(failure)) {
			return true;
		}
		servletRequest.setAttribute(AuditTrail.RECORDED_ATTRIBUTE, Boolean.TRUE);
		try {
			trail.recordResponse(trail.facts().ofResponse(request, failure.getStatusCode(), null, failure.getMessage()));
			return true;
		}
		catch (AuditTrail.NotRecordedException e) {
			request.getUserData().put(NOT_RECORDED, Boolean.TRUE);
			AuditUnavailableException unavailable = new AuditUnavailableException();
			servletResponse.setHeader("Retry-After", AuditUnavailableException.RETRY_AFTER_SECONDS);
			return ANSWER.handleException(request, unavailable, servletRequest, servletResponse);
		}
	}

	@Hook(value = Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED, order = RESPONSE_ORDER)
	void created(RequestDetails request, IBaseResource resource) {
		write(request, "create", null, resource);
	}

	@Hook(value = Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED, order = RESPONSE_ORDER)
	void updated(RequestDetails request, IBaseResource before, IBaseResource after) {
		write(request, "update", before, after);
	}

	@Hook(value = Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED, order = RESPONSE_ORDER)
	void deleted(RequestDetails request, IBaseResource resource) {
		write(request, "delete", null, resource);
	}

	private void write(RequestDetails request, String change, IBaseResource before, IBaseResource written) {
		if (!trail.enabled() || !(request instanceof ServletRequestDetails) || written == null) {
			return;
		}
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			throw new IllegalStateException(HubErrorCode.AUDIT_OUTSIDE_TRANSACTION.code() + " a write outside a transaction");
		}
		RequestFacts.Writes writes = (RequestFacts.Writes) TransactionSynchronizationManager.getResource(this);
		if (writes == null) {
			writes = trail.facts().new Writes(request);
			TransactionSynchronizationManager.bindResource(this, writes);
			TransactionSynchronizationManager.registerSynchronization(new RecordBeforeCommit(writes, committedWrites(request)));
		}
		writes.add(change, before, written);
	}

	/**
	 * Inserts the record of a database transaction's writes as its last statement before it commits,
	 * so the record commits or rolls back with them.
	 */
	private final class RecordBeforeCommit implements TransactionSynchronization {

		private final RequestFacts.Writes writes;
		private final AtomicInteger committed;

		RecordBeforeCommit(RequestFacts.Writes writes, AtomicInteger committed) {
			this.writes = writes;
			this.committed = committed;
		}

		/** Before other synchronizations, so later ones see the record in the transaction. */
		@Override
		public int getOrder() {
			return 0;
		}

		@Override
		public void beforeCommit(boolean readOnly) {
			trail.recordWriteInCurrentTransaction(writes.facts());
		}

		@Override
		public void afterCommit() {
			// Counted only once committed: a retried or rolled-back attempt must not stop the request
			// from being recorded when it answers.
			committed.incrementAndGet();
		}

		@Override
		public void afterCompletion(int status) {
			TransactionSynchronizationManager.unbindResourceIfPossible(AuditInterceptor.this);
		}
	}

	private boolean audited(RequestDetails request) {
		return trail.enabled() && request.getRestOperationType() != RestOperationTypeEnum.METADATA;
	}

	/** Kept on the servlet request, which a transaction's entries (sub-requests) share with it. */
	private static AtomicInteger committedWrites(RequestDetails request) {
		HttpServletRequest servlet = ((ServletRequestDetails) request).getServletRequest();
		Object counter = servlet.getAttribute(COMMITTED_WRITES);
		if (counter instanceof AtomicInteger existing) {
			return existing;
		}
		AtomicInteger created = new AtomicInteger();
		servlet.setAttribute(COMMITTED_WRITES, created);
		return created;
	}

	/**
	 * A 503 because the database is unreachable: the audit trail lives in that same database, so the
	 * refusal cannot be recorded; the answer carries no data.
	 */
	private static boolean isDatabaseUnavailable(BaseServerResponseException failure) {
		return failure.getStatusCode() == 503 && failure.getMessage() != null
				&& failure.getMessage().startsWith(HubErrorCode.DATABASE_UNAVAILABLE.code());
	}
}
