package dev.patient360.hub.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.model.ResourceVersionConflictResolutionStrategy;
import ca.uhn.fhir.rest.api.server.RequestDetails;

import org.springframework.stereotype.Component;

/**
 * Retries a write that lost a race with a concurrent write of the same resource or the same
 * conditional-create URL. Sources resend and run in parallel: on retry a conditional create finds
 * the resource the winner stored and answers 200 with it, instead of the loser getting a 409 for
 * something that in the end succeeded. A request with If-Match is never retried: the client asked
 * to fail when someone else wrote first.
 */
@Component
@Interceptor
class VersionConflictRetryInterceptor implements HubInterceptor {

	static final int MAX_RETRIES = 5;

	@Hook(Pointcut.STORAGE_VERSION_CONFLICT)
	ResourceVersionConflictResolutionStrategy retry(RequestDetails request) {
		ResourceVersionConflictResolutionStrategy strategy = new ResourceVersionConflictResolutionStrategy();
		if (request != null && request.getHeader("If-Match") == null) {
			strategy.setRetry(true);
			strategy.setMaxRetries(MAX_RETRIES);
		}
		return strategy;
	}
}
