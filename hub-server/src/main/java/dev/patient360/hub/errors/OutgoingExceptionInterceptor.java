package dev.patient360.hub.errors;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;

import dev.patient360.hub.fhir.HubInterceptor;
import org.hibernate.exception.JDBCConnectionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * Decides what a caller sees when a request fails with something that is not already a FHIR error:
 * a lost database becomes 503 (retry later) and anything else a 500 whose text carries no internals
 * (no SQL, no stack, no resource content). Both come as an OperationOutcome from HAPI. FHIR
 * errors that HAPI raised on purpose (4xx) pass unchanged.
 */
@Component
@Interceptor
class OutgoingExceptionInterceptor implements HubInterceptor {

	private static final Logger log = LoggerFactory.getLogger(OutgoingExceptionInterceptor.class);
	static final String RETRY_AFTER_SECONDS = "5";

	@Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
	BaseServerResponseException translate(RequestDetails request, Throwable thrown,
			HttpServletRequest servletRequest, HttpServletResponse servletResponse) {
		if (isDatabaseUnavailable(thrown)) {
			log.warn("{} database unavailable for request {}: {}", HubErrorCode.DATABASE_UNAVAILABLE.code(),
					request.getRequestId(), rootCause(thrown).getClass().getSimpleName());
			servletResponse.setHeader("Retry-After", RETRY_AFTER_SECONDS);
			return new HubUnavailableException(HubErrorCode.DATABASE_UNAVAILABLE
					.message("the database is unavailable; retry later"));
		}
		if (thrown instanceof BaseServerResponseException known && !(known instanceof InternalErrorException)) {
			// Already a FHIR error with a status of its own; other interceptors may still refine it.
			return null;
		}
		// Exception messages can quote SQL or resource content: above DEBUG only the exception types
		// and where they were thrown are logged, never their messages; the caller gets neither.
		log.error("{} unexpected error in request {}: {}", HubErrorCode.INTERNAL.code(), request.getRequestId(),
				withoutMessages(thrown));
		log.debug("{} full exception for request {}", HubErrorCode.INTERNAL.code(), request.getRequestId(), thrown);
		return new InternalErrorException(HubErrorCode.INTERNAL
				.message("internal error; quote request id " + request.getRequestId()));
	}

	static boolean isDatabaseUnavailable(Throwable thrown) {
		for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
			if (t instanceof SQLTransientConnectionException || t instanceof JDBCConnectionException
					|| t instanceof CannotCreateTransactionException || t instanceof ConnectException
					|| t instanceof DataAccessResourceFailureException) {
				return true;
			}
			if (t instanceof SQLException sql && sql.getSQLState() != null
					&& (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
				return true;
			}
		}
		return false;
	}

	/** Cause chain as types and throwing frames, e.g. {@code InternalErrorException <- NullPointerException at X.y(X.java:42)}. */
	static String withoutMessages(Throwable thrown) {
		StringBuilder out = new StringBuilder();
		for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
			if (!out.isEmpty()) {
				out.append(" <- ");
			}
			out.append(t.getClass().getName());
			StackTraceElement[] frames = t.getStackTrace();
			for (int i = 0; i < Math.min(3, frames.length); i++) {
				out.append(i == 0 ? " at " : ", ").append(frames[i]);
			}
		}
		return out.toString();
	}

	private static Throwable rootCause(Throwable thrown) {
		Throwable t = thrown;
		while (t.getCause() != null && t.getCause() != t) {
			t = t.getCause();
		}
		return t;
	}
}
