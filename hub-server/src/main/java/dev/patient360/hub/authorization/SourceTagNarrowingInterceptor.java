package dev.patient360.hub.authorization;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;

import dev.patient360.hub.fhir.HubInterceptor;
import dev.patient360.hub.security.HubPrincipal;
import dev.patient360.hub.security.Party;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.stereotype.Component;

/**
 * An ehr-source only ever matches its own source's resources: its searches and every conditional
 * URL it sends (If-None-Exist, conditional update, patch and delete, also inside transactions) get
 * {@code _tag=<source-system>|<its code>} added. So a conditional upsert with another source's
 * identifier creates a resource of its own instead of revealing (or touching) the other source's
 * — whether the match URL is resolved by a search or from HAPI's match-URL cache, whose hits skip
 * the pre-show checks.
 */
@Component
class SourceTagNarrowingInterceptor implements HubInterceptor {

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
	public void narrowRequest(RequestDetails request) {
		String tag = tagOf(request);
		if (tag == null || request.getRestOperationType() == null) {
			return;
		}
		switch (request.getRestOperationType()) {
			case SEARCH_TYPE -> {
				Map<String, String[]> params = new HashMap<>(request.getParameters());
				String[] existing = params.getOrDefault(Constants.PARAM_TAG, new String[0]);
				String[] narrowed = java.util.Arrays.copyOf(existing, existing.length + 1);
				narrowed[existing.length] = tag;
				params.put(Constants.PARAM_TAG, narrowed);
				request.setParameters(params);
			}
			case CREATE -> {
				String ifNoneExist = request.getHeader(Constants.HEADER_IF_NONE_EXIST);
				if (ifNoneExist != null && !ifNoneExist.isBlank()) {
					request.setHeaders(Constants.HEADER_IF_NONE_EXIST, List.of(withTag(ifNoneExist, tag)));
				}
			}
			case UPDATE, DELETE, PATCH -> {
				if ((request.getId() == null || !request.getId().hasIdPart())
						&& request.getCompleteUrl() != null && request.getCompleteUrl().contains("?")) {
					String conditional = request.getConditionalUrl(request.getRestOperationType());
					if (conditional != null) {
						request.setFixedConditionalUrl(withTag(conditional, tag));
					}
				}
			}
			default -> {
			}
		}
	}

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void narrowBundleEntries(RequestDetails request) {
		String tag = tagOf(request);
		if (tag == null || !(request.getResource() instanceof Bundle bundle)) {
			return;
		}
		RestOperationTypeEnum operation = request.getRestOperationType();
		if (operation != RestOperationTypeEnum.TRANSACTION && operation != RestOperationTypeEnum.BATCH) {
			return;
		}
		for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
			Bundle.BundleEntryRequestComponent r = entry.getRequest();
			if (r.hasIfNoneExist()) {
				r.setIfNoneExist(withTag(r.getIfNoneExist(), tag));
			}
			if (r.hasUrl() && r.getUrl().contains("?")) {
				r.setUrl(withTag(r.getUrl(), tag));
			}
		}
	}

	private static String tagOf(RequestDetails request) {
		HubPrincipal principal = HubPrincipal.of(request);
		if (principal.unrestricted() || !principal.is(Party.EHR_SOURCE)) {
			return null;
		}
		// An ehr-source without a source claim may write nothing (AccessPolicy) and match nothing.
		return ResourceAccess.SOURCE_SYSTEM_TAG + "|" + principal.sourceSystem().orElse("hub-no-source");
	}

	/** Adds the tag to a conditional URL in any of its forms: {@code Type?a=b}, {@code a=b}, {@code Type}. */
	static String withTag(String url, String tag) {
		String separator = url.contains("?") || url.contains("=") ? "&" : "?";
		return url + separator + Constants.PARAM_TAG + "=" + URLEncoder.encode(tag, StandardCharsets.UTF_8);
	}
}
