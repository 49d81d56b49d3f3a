package dev.patient360.hub.errors;

/**
 * Stable error codes of the hub, in the spirit of HAPI's {@code Msg.code}: a caller or an operator
 * can search for the code, the text may change.
 */
public enum HubErrorCode {
	/** The database cannot be reached; the request can be retried. */
	DATABASE_UNAVAILABLE("HUB-0503"),
	/** An error the hub did not expect; details are in the server log under the request id. */
	INTERNAL("HUB-0500"),
	/** An XML body declared a DOCTYPE or entity. */
	XML_DOCTYPE_REFUSED("HUB-0401"),
	/** Security is enabled but no token issuer is configured: the hub refuses to start. */
	SECURITY_ISSUER_MISSING("HUB-2000"),
	/** A protected endpoint was called without a bearer token. */
	TOKEN_MISSING("HUB-2001"),
	/** The bearer token was rejected (signature, algorithm, key, issuer, audience, time). */
	TOKEN_INVALID("HUB-2002"),
	/** The identity provider (discovery document or signing keys) cannot be reached; retry later. */
	IDENTITY_PROVIDER_UNAVAILABLE("HUB-2003"),
	/** SMART discovery asked for while security is disabled: there is no identity provider. */
	SMART_DISCOVERY_DISABLED("HUB-2004"),
	/** An authenticated caller lacks the role a non-FHIR endpoint (e.g. metrics) requires. */
	ENDPOINT_FORBIDDEN("HUB-2005"),
	/** The caller's token (scopes, party) does not allow the interaction or the write. */
	ACCESS_DENIED("HUB-2050"),
	/** The resource a request is about does not exist, or the caller may not know that it does. */
	RESOURCE_NOT_KNOWN("HUB-2051"),
	/** A patient-bound caller used a chained or _has search parameter. */
	SEARCH_PARAMETER_REFUSED("HUB-2052"),
	/** The audit record of a request could not be stored; the answer is withheld (503), retry later. */
	AUDIT_UNAVAILABLE("HUB-2101"),
	/** A drain pass could not turn queued audit records into AuditEvents; they stay queued. */
	AUDIT_DRAIN_FAILED("HUB-2102"),
	/** A queued audit record failed as often as allowed and is left in the queue for an operator. */
	AUDIT_RECORD_STUCK("HUB-2103"),
	/** The audit queue table could not be created at start-up. */
	AUDIT_SCHEMA("HUB-2104"),
	/** A write was to be audited outside a database transaction (a wiring fault): the write fails. */
	AUDIT_OUTSIDE_TRANSACTION("HUB-2105"),
	/** A resource claims an engagement profile (meta.profile) and does not conform to it (422). */
	PROFILE_VALIDATION_FAILED("HUB-1000"),
	/** The engagement package could not be installed at start; the hub does not start without it. */
	PACKAGE_INSTALL_FAILED("HUB-1001"),
	/** The patient index tables could not be created at start-up. */
	PATIENT_INDEX_SCHEMA("HUB-3000"),
	/** A patient index operation named a resource or value it cannot use (400). */
	PATIENT_INDEX_BAD_PARAMETER("HUB-3001"),
	/** A patient index operation named a Patient the index does not know (404). */
	PATIENT_INDEX_UNKNOWN("HUB-3002"),
	/** A merge or link change that would break the index's invariants (422). */
	PATIENT_INDEX_REFUSED("HUB-3003"),
	/** Patient/$merge: {@code result-patient} is not the target Patient (422). */
	PATIENT_MERGE_RESULT_MISMATCH("HUB-3004"),
	/** Patient/$merge with {@code delete-source}: other resources still reference the source (422). */
	PATIENT_MERGE_SOURCE_REFERENCED("HUB-3005"),
	/** A Provenance of a committed patient index link change could not be written (logged; the link history has it). */
	PATIENT_INDEX_PROVENANCE_LOST("HUB-3006"),
	/** A journey stage could not be recomputed after a committed write; the next relevant write retries. */
	ENGAGEMENT_RECOMPUTE_FAILED("HUB-6000"),
	/** Recorded segment membership changes could not be applied to the segment Groups; the next flush retries. */
	ENGAGEMENT_GROUP_FLUSH_FAILED("HUB-6001"),
	/** The engagement catch-up batch stopped on an error; its progress is kept, it resumes on the next start or POST. */
	ENGAGEMENT_CATCH_UP_FAILED("HUB-6002"),
	/** An appointment reminder could not be planned after a committed write; the next write of the Appointment retries. */
	REMINDER_PLANNING_FAILED("HUB-6020"),
	/** No message template for a purpose and channel in the wanted or the fallback language. */
	TEMPLATE_MISSING("HUB-6021"),
	/** A message template is malformed or uses a placeholder its channel does not allow. */
	TEMPLATE_INVALID("HUB-6022"),
	/** Link tracking is on but HUB_ENGAGEMENT_TRACKING_SECRET is not set: the hub refuses to start. */
	TRACKING_SECRET_MISSING("HUB-6023"),
	/** An open or click could not be recorded on its Communication; the redirect or pixel is still served. */
	TRACKING_UPDATE_FAILED("HUB-6024"),
	/** The engagement analytics request named a missing or malformed period (400). */
	ANALYTICS_BAD_PARAMETER("HUB-6025");

	private final String code;

	HubErrorCode(String code) {
		this.code = code;
	}

	public String code() {
		return code;
	}

	/** The text for a caller: code first, so it is the first thing a support ticket quotes. */
	public String message(String text) {
		return code + ": " + text;
	}
}
