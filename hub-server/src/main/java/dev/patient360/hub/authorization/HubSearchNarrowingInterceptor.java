package dev.patient360.hub.authorization;

import java.util.Optional;
import java.util.Set;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizedList;
import ca.uhn.fhir.rest.server.interceptor.auth.SearchNarrowingInterceptor;

import dev.patient360.hub.fhir.HubInterceptor;
import dev.patient360.hub.security.HubPrincipal;
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

	private static final Set<RestOperationTypeEnum> NARROWED = Set.of(
			RestOperationTypeEnum.SEARCH_TYPE, RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE,
			RestOperationTypeEnum.EXTENDED_OPERATION_TYPE, RestOperationTypeEnum.CREATE,
			RestOperationTypeEnum.UPDATE, RestOperationTypeEnum.DELETE, RestOperationTypeEnum.PATCH,
			RestOperationTypeEnum.TRANSACTION, RestOperationTypeEnum.BATCH);

	private final AccessPolicy policy;
	private final DaoRegistry daos;

	HubSearchNarrowingInterceptor(AccessPolicy policy, DaoRegistry daos) {
		this.policy = policy;
		this.daos = daos;
		setNarrowConditionalUrls(true);
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
