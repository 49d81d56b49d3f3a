package dev.patient360.hub.authorization;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;

import dev.patient360.hub.errors.HubErrorCode;
import dev.patient360.hub.fhir.HubInterceptor;
import dev.patient360.hub.security.HubPrincipal;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.stereotype.Component;

/**
 * Refuses chained and {@code _has} search parameters to patient-bound callers
 * ({@link AccessPolicy#maySearchWith}), in plain searches and in the GET entries of batches and
 * transactions. Decided on parameter names only, so the refusal says nothing about the data.
 */
@Component
class ChainedSearchRefusingInterceptor implements HubInterceptor {

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
	public void checkSearch(RequestDetails request) {
		check(HubPrincipal.of(request), request.getParameters().keySet());
	}

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void checkBundleEntries(RequestDetails request) {
		if (!(request.getResource() instanceof Bundle bundle)) {
			return;
		}
		HubPrincipal principal = HubPrincipal.of(request);
		if (!AccessPolicy.patientBound(principal)) {
			return;
		}
		for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
			String url = entry.getRequest().getUrl();
			if (url != null && url.contains("?")) {
				check(principal, parameterNames(url.substring(url.indexOf('?') + 1)));
			}
		}
	}

	private static void check(HubPrincipal principal, Collection<String> names) {
		for (String name : names) {
			if (!AccessPolicy.maySearchWith(principal, name)) {
				throw new ForbiddenOperationException(HubErrorCode.SEARCH_PARAMETER_REFUSED.message(
						"chained and _has search parameters are not available to patient-bound tokens"));
			}
		}
	}

	private static List<String> parameterNames(String query) {
		return java.util.Arrays.stream(query.split("&"))
				.map(pair -> pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair)
				.map(name -> java.net.URLDecoder.decode(name, StandardCharsets.UTF_8))
				.toList();
	}
}
