package dev.patient360.hub.errors;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;

/** 503 Service Unavailable: the hub is up but cannot serve this request right now. */
class HubUnavailableException extends BaseServerResponseException {

	static final int STATUS_CODE = 503;

	HubUnavailableException(String message) {
		super(STATUS_CODE, message);
	}
}
