package dev.patient360.hub.authorization;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;

import dev.patient360.hub.fhir.HubInterceptor;
import dev.patient360.hub.security.HubPrincipal;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.stereotype.Component;

/**
 * Removes {@code Bundle.total} from search and history results for restricted callers. The total is
 * counted in the database before per-resource visibility (Consent classes and provisions, the
 * insurer's types) removes entries, so it could count resources the caller may not know exist.
 * Narrowing makes most totals right, not all: no total is better than a leaking one.
 */
@Component
class HiddenTotalInterceptor implements HubInterceptor {

	@Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
	public void hideTotal(RequestDetails request, ResponseDetails response) {
		if (response.getResponseResource() instanceof Bundle bundle
				&& (bundle.getType() == Bundle.BundleType.SEARCHSET || bundle.getType() == Bundle.BundleType.HISTORY)
				&& !HubPrincipal.of(request).unrestricted()) {
			bundle.setTotalElement(null);
		}
	}
}
