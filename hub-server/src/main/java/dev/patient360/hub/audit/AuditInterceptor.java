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
 * <li>Each resource a request creates, updates or deletes is recorded inside the database
 * transaction of the write: the record commits or rolls back with the data.</li>
 * <li>Reads, searches, operations, transactions and batches, and every failure (refusals, not
 * found, invalid input), are recorded on a connection of their own just before the answer is
 * written. When that fails the caller gets 503 instead of the answer: nothing answered goes
 * unrecorded.</li>
 * </ul>
 * A single-resource write whose record committed with it gets no second record; a transaction or
 * batch gets its own record besides those of its entries. The capability statement is not audited.
 * Writes the hub makes itself (system requests, e.g. storing AuditEvents) are not audited.
 */
@Interceptor
class AuditInterceptor implements HubInterceptor {

	/** After consent and every other filter of the response, so the record shows what was answered. */
	static final int RESPONSE_ORDER = 10_000;
	/** Before any other exception handler can take over the answer. */
	static final int EXCEPTION_ORDER = -10_000;
	private static final String COMMITTED_WRITES = AuditInterceptor.class.getName() + ".committedWrites";
	private static final String NOT_RECORDED = AuditInterceptor.class.getName() + ".notRecorded";
	private static final Set<RestOperationTypeEnum> SINGLE_WRITES = Set.of(RestOperationTypeEnum.CREATE,
			RestOperationTypeEnum.UPDATE, RestOperationTypeEnum.PATCH, RestOperationTypeEnum.DELETE);
	private static final ExceptionHandlingInterceptor ANSWER = new ExceptionHandlingInterceptor();

	private final AuditTrail trail;

	AuditInterceptor(AuditTrail trail) {
		this.trail = trail;
	}

	/** Transaction entries run as sub-requests with ids of their own; their records carry the request's. */
	@Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
	void remember(RequestDetails request, HttpServletRequest servletRequest) {
		servletRequest.setAttribute(RequestFacts.REQUEST_ID_ATTRIBUTE, request.getRequestId());
	}

	@Hook(value = Pointcut.SERVER_OUTGOING_RESPONSE, order = RESPONSE_ORDER)
	boolean beforeAnswer(RequestDetails request, ResponseDetails response, HttpServletRequest servletRequest,
			HttpServletResponse servletResponse) {
		if (!audited(request)) {
			return true;
		}
		servletRequest.setAttribute(AuditTrail.RECORDED_ATTRIBUTE, Boolean.TRUE);
		if (SINGLE_WRITES.contains(request.getRestOperationType()) && committedWrites(request).get() > 0) {
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

	private void write(RequestDetails request, String interaction, IBaseResource before, IBaseResource written) {
		if (!trail.enabled() || !(request instanceof ServletRequestDetails) || written == null) {
			return;
		}
		trail.recordWriteInCurrentTransaction(trail.facts().ofWrite(request, interaction, before, written));
		AtomicInteger committed = committedWrites(request);
		// Counted only once the transaction commits: a retried or rolled-back attempt must not stop
		// the request from being recorded when it answers.
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				committed.incrementAndGet();
			}
		});
	}

	private boolean audited(RequestDetails request) {
		return trail.enabled() && request.getRestOperationType() != RestOperationTypeEnum.METADATA;
	}

	private static AtomicInteger committedWrites(RequestDetails request) {
		return (AtomicInteger) request.getUserData().computeIfAbsent(COMMITTED_WRITES, k -> new AtomicInteger());
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
