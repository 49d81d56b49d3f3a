package dev.patient360.hub.authorization;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizedList;
import ca.uhn.fhir.rest.server.interceptor.auth.SearchNarrowingInterceptor;

import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;

import dev.patient360.hub.fhir.HubInterceptor;
import dev.patient360.hub.security.HubPrincipal;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Component;

/**
 * Narrows the searches (and {@code $everything}, and conditional URLs) of callers bound to patients
 * — a patient, a partner clinic, an insurer — to the Patient compartments they may see
 * ({@link AccessPolicy#patientsVisibleTo}), so the database only returns their rows: a search for
 * someone else's data yields an empty result instead of a 403, and pages are full.
 */
@Component
class HubSearchNarrowingInterceptor extends SearchNarrowingInterceptor implements HubInterceptor {

	/** A compartment no patient has: narrowing to nobody must still narrow. */
	static final String NO_PATIENT = "Patient/hub-no-visible-patient";
	/** A resource id no resource has: a search narrowed to nothing. */
	static final String NO_RESOURCE = "hub-no-visible-resource";

	private static final Set<RestOperationTypeEnum> NARROWED = Set.of(
			RestOperationTypeEnum.SEARCH_TYPE, RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE,
			RestOperationTypeEnum.EXTENDED_OPERATION_TYPE, RestOperationTypeEnum.CREATE,
			RestOperationTypeEnum.UPDATE, RestOperationTypeEnum.DELETE, RestOperationTypeEnum.PATCH);

	private final AccessPolicy policy;
	private final DaoRegistry daos;

	HubSearchNarrowingInterceptor(AccessPolicy policy, DaoRegistry daos) {
		this.policy = policy;
		this.daos = daos;
		setNarrowConditionalUrls(true);
	}

	/**
	 * HAPI refuses (403) a search whose own compartment parameters lie wholly outside the permitted
	 * ones ({@code Observation?patient=<someone else>}). The hub answers such a search with an empty
	 * result instead: the same answer as for a patient without data.
	 */
	@Override
	@Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
	public void hookIncomingRequestPostProcessed(RequestDetails request, HttpServletRequest servletRequest,
			HttpServletResponse servletResponse) {
		try {
			super.hookIncomingRequestPostProcessed(request, servletRequest, servletResponse);
		}
		catch (ForbiddenOperationException outsideTheCompartments) {
			Map<String, String[]> params = new HashMap<>(request.getParameters());
			params.put("_id", new String[] {NO_RESOURCE});
			request.setParameters(params);
		}
	}

	/**
	 * Batch and transaction entries are not narrowed: HAPI would refuse the whole bundle for one
	 * entry outside the compartments. Every resource those entries return is still judged by the
	 * consent interceptor, and totals are hidden, so nothing is lost but efficiency.
	 */
	@Override
	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void hookIncomingRequestPreHandled(ServletRequestDetails request, HttpServletRequest servletRequest,
			HttpServletResponse servletResponse) {
		// Intentionally empty: see above.
	}

	@Override
	protected AuthorizedList buildAuthorizedList(RequestDetails request) {
		if (request.getRestOperationType() != null && !NARROWED.contains(request.getRestOperationType())) {
			return null;
		}
		HubPrincipal principal = HubPrincipal.of(request);
		Optional<Set<String>> patients = policy.patientsVisibleTo(principal, StoredAccessFacts.of(request, daos));
		if (patients.isEmpty()) {
			return null;
		}
		AuthorizedList list = new AuthorizedList();
		if (patients.get().isEmpty()) {
			return list.addCompartment(NO_PATIENT);
		}
		return list.addCompartments(patients.get().stream().map(id -> "Patient/" + id).toArray(String[]::new));
	}
}
