package dev.patient360.hub.authorization;

import java.util.Set;

import ca.uhn.fhir.i18n.Msg;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentInterceptor;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentOutcome;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentContextServices;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentService;

import dev.patient360.hub.fhir.HubInterceptor;
import dev.patient360.hub.security.HubPrincipal;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.springframework.stereotype.Component;

/**
 * HAPI's ConsentInterceptor deciding, for every resource that leaves the hub, whether the caller
 * may see it ({@link AccessPolicy#maySee}: scopes, party, the patient's stored Consents, the
 * insurer's Coverage). Hidden resources vanish from searches, includes, {@code $everything},
 * history and pages. The resource a read, vread, instance history or instance operation is about
 * is answered exactly like a resource that does not exist, so existence does not leak.
 */
@Component
class HubConsentInterceptor extends ConsentInterceptor implements HubInterceptor {

	HubConsentInterceptor(AccessPolicy policy, DaoRegistry daos) {
		super(new Service(policy, daos));
	}

	/**
	 * The hub itself and every caller while security is disabled are not subject to consent at all,
	 * not even HAPI's refusal of {@code _total=accurate} and {@code _summary=count}. Runs just before
	 * the consent interceptor's own pre-handled hook (order 100).
	 */
	@Hook(value = Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED, order = 99)
	public void skipForUnrestricted(RequestDetails request) {
		if (HubPrincipal.of(request).unrestricted()) {
			ConsentInterceptor.skipAllConsentForRequest(request);
		}
	}

	private static final Set<String> CONTAINERS = Set.of("Bundle", "Parameters", "OperationOutcome");

	private static final Set<RestOperationTypeEnum> INSTANCE_OPERATIONS = Set.of(
			RestOperationTypeEnum.READ, RestOperationTypeEnum.VREAD, RestOperationTypeEnum.HISTORY_INSTANCE,
			RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE);

	private record Service(AccessPolicy policy, DaoRegistry daos) implements IConsentService {

		@Override
		public ConsentOutcome startOperation(RequestDetails request, IConsentContextServices services) {
			return HubPrincipal.of(request).unrestricted() ? ConsentOutcome.AUTHORIZED : ConsentOutcome.PROCEED;
		}

		@Override
		public ConsentOutcome canSeeResource(RequestDetails request, IBaseResource resource,
				IConsentContextServices services) {
			return decide(request, resource);
		}

		@Override
		public ConsentOutcome willSeeResource(RequestDetails request, IBaseResource resource,
				IConsentContextServices services) {
			return decide(request, resource);
		}

		private ConsentOutcome decide(RequestDetails request, IBaseResource resource) {
			HubPrincipal principal = HubPrincipal.of(request);
			if (resource == null || principal.unrestricted() || CONTAINERS.contains(resource.fhirType())) {
				return ConsentOutcome.PROCEED;
			}
			if (policy.maySee(principal, resource, StoredAccessFacts.of(request, daos))) {
				return ConsentOutcome.PROCEED;
			}
			if (isFocus(request, resource)) {
				throw notKnown(resource.getIdElement());
			}
			return ConsentOutcome.REJECT;
		}

		private static boolean isFocus(RequestDetails request, IBaseResource resource) {
			IIdType requested = request.getId();
			return INSTANCE_OPERATIONS.contains(request.getRestOperationType()) && requested != null
					&& requested.hasIdPart()
					&& resource.fhirType().equals(request.getResourceName())
					&& requested.getIdPart().equals(resource.getIdElement().getIdPart());
		}
	}

	/** The same exception, with the same text, HAPI's JPA server throws for an unknown id. */
	static ResourceNotFoundException notKnown(IIdType id) {
		return new ResourceNotFoundException(Msg.code(2001) + "Resource "
				+ id.toUnqualifiedVersionless().getValue() + " is not known");
	}
}
