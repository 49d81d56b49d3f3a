package dev.patient360.hub.audit;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;

import dev.patient360.hub.errors.HubErrorCode;

/** 503: the answer was withheld because its audit record could not be stored. */
class AuditUnavailableException extends BaseServerResponseException {

	static final int STATUS_CODE = 503;
	static final String RETRY_AFTER_SECONDS = "5";

	AuditUnavailableException() {
		super(STATUS_CODE, HubErrorCode.AUDIT_UNAVAILABLE.message("the audit trail is unavailable; retry later"));
	}
}
