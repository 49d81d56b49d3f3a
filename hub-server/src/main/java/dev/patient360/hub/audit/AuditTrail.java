package dev.patient360.hub.audit;

import java.sql.SQLException;

import jakarta.servlet.http.HttpServletRequest;

import ca.uhn.fhir.context.FhirContext;

import dev.patient360.hub.errors.HubErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.hl7.fhir.r4.model.AuditEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's audit trail: stores the audit record of a request durably before the answer leaves
 * the hub. Other features (the security filters) call {@link #recordRefused} for requests they
 * refuse before the FHIR server sees them.
 */
public class AuditTrail {

	/** Servlet request attribute set once a request's audit record is stored (or its storing failed and was answered). */
	public static final String RECORDED_ATTRIBUTE = AuditTrail.class.getName() + ".recorded";

	private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);

	private final AuditQueue queue;
	private final AuditEventBuilder builder;
	private final RequestFacts facts;
	private final FhirContext fhirContext;
	private final boolean enabled;
	private final Counter requests;
	private final Counter writes;
	private final Counter refusals;
	private final Counter failures;

	AuditTrail(AuditQueue queue, AuditEventBuilder builder, RequestFacts facts, FhirContext fhirContext,
			boolean enabled, MeterRegistry meters) {
		this.queue = queue;
		this.builder = builder;
		this.facts = facts;
		this.fhirContext = fhirContext;
		this.enabled = enabled;
		this.requests = recorded(meters, "request");
		this.writes = recorded(meters, "write");
		this.refusals = recorded(meters, "refused");
		this.failures = Counter.builder("hub.audit.failures")
				.description("Audit records that could not be stored; each one withheld an answer (503)")
				.register(meters);
	}

	private static Counter recorded(MeterRegistry meters, String kind) {
		return Counter.builder("hub.audit.recorded").tag("kind", kind)
				.description("Audit records stored in the queue").register(meters);
	}

	public boolean enabled() {
		return enabled;
	}

	/**
	 * Records a request that was refused before the FHIR server handled it (401 without a valid
	 * token, 403 from a filter), with outcome "minor failure".
	 *
	 * @param status     the status answered, 401 or 403
	 * @param reasonCode a stable code of the refusal ({@code HUB-nnnn}), or null
	 * @throws NotRecordedException when the record could not be stored: the caller must not send
	 *     its answer (answer 503 instead)
	 */
	public void recordRefused(HttpServletRequest request, int status, String reasonCode) {
		if (!enabled || request.getAttribute(RECORDED_ATTRIBUTE) != null) {
			return;
		}
		request.setAttribute(RECORDED_ATTRIBUTE, Boolean.TRUE);
		enqueueNow(facts.ofRefused(request, status, reasonCode));
		refusals.increment();
	}

	void recordResponse(AuditFacts recorded) {
		enqueueNow(recorded);
		requests.increment();
	}

	void recordWriteInCurrentTransaction(AuditFacts write) {
		queue.enqueueInCurrentTransaction(encode(write));
		writes.increment();
	}

	RequestFacts facts() {
		return facts;
	}

	private void enqueueNow(AuditFacts recorded) {
		try {
			queue.enqueueNow(encode(recorded));
		}
		catch (SQLException | RuntimeException e) {
			failures.increment();
			// The record itself names patients: only its kind and the cause's type go to the log.
			log.error("{} audit record of a {} request (id {}) not stored: {}", HubErrorCode.AUDIT_UNAVAILABLE.code(),
					recorded.interaction(), recorded.requestId(), e.getClass().getName());
			throw new NotRecordedException(e);
		}
	}

	private String encode(AuditFacts recorded) {
		AuditEvent event = builder.build(recorded);
		return fhirContext.newJsonParser().encodeResourceToString(event);
	}

	/** The audit record of a request could not be stored; its answer must be withheld. */
	public static final class NotRecordedException extends RuntimeException {

		NotRecordedException(Throwable cause) {
			super(HubErrorCode.AUDIT_UNAVAILABLE.code() + " the audit record could not be stored", cause);
		}
	}
}
