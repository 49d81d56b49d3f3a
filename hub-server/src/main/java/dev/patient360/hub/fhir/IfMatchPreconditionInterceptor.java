package dev.patient360.hub.fhir;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;

import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.stereotype.Component;

/**
 * Makes {@code If-Match} behave as FHIR says: a stale version is refused with 412 Precondition
 * Failed. HAPI answers 409 for a stale version, and skips the check entirely when the new body
 * equals the stored one, so a client's optimistic lock would silently pass.
 */
@Component
@Interceptor
class IfMatchPreconditionInterceptor implements HubInterceptor {

	private static final Pattern ETAG = Pattern.compile("^(?:W/)?\"?([^\"]+)\"?$");

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	void checkVersion(IBaseResource stored, IBaseResource incoming, RequestDetails request) {
		String expected = expectedVersion(request);
		if (expected == null || stored == null) {
			return;
		}
		String current = stored.getIdElement().getVersionIdPart();
		if (current == null) {
			current = stored.getMeta().getVersionId();
		}
		if (!expected.equals(current)) {
			throw preconditionFailed(stored.getIdElement().toUnqualifiedVersionless().getValue(), expected);
		}
	}

	@Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
	BaseServerResponseException staleVersionIs412(RequestDetails request, Throwable thrown) {
		String expected = thrown instanceof ResourceVersionConflictException ? expectedVersion(request) : null;
		if (expected == null) {
			return null;
		}
		return preconditionFailed(request.getId() == null ? request.getResourceName()
				: request.getId().toUnqualifiedVersionless().getValue(), expected);
	}

	/** The version named by If-Match on a direct update or patch (transactions carry their own). */
	private static String expectedVersion(RequestDetails request) {
		if (request == null) {
			return null;
		}
		RestOperationTypeEnum op = request.getRestOperationType();
		if (op != RestOperationTypeEnum.UPDATE && op != RestOperationTypeEnum.PATCH) {
			return null;
		}
		String header = request.getHeader("If-Match");
		if (header == null || header.isBlank()) {
			return null;
		}
		Matcher m = ETAG.matcher(header.trim());
		return m.matches() ? m.group(1) : header.trim();
	}

	private static PreconditionFailedException preconditionFailed(String id, String expected) {
		return new PreconditionFailedException("HUB-0412: " + id + " is no longer at version " + expected
				+ " (If-Match); read it again and reapply the change");
	}
}
