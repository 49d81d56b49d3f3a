package dev.patient360.hub.authorization;

import java.util.Set;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;

import dev.patient360.hub.errors.HubErrorCode;
import dev.patient360.hub.fhir.HubInterceptor;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Component;

/**
 * One answer for "not there" on requests about one resource (read, vread, instance history,
 * instance operations): HAPI words it differently per code path ({@code $everything} of an unknown
 * Patient says something else than a read), and a resource hidden from the caller must be
 * indistinguishable from one that never existed.
 */
@Component
class UniformNotFoundInterceptor implements HubInterceptor {

	private static final Set<RestOperationTypeEnum> INSTANCE_OPERATIONS = Set.of(
			RestOperationTypeEnum.READ, RestOperationTypeEnum.VREAD, RestOperationTypeEnum.HISTORY_INSTANCE,
			RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE);

	@Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
	public BaseServerResponseException uniform(RequestDetails request, Throwable thrown,
			HttpServletRequest servletRequest, HttpServletResponse servletResponse) {
		if (!(thrown instanceof ResourceNotFoundException) || request.getRestOperationType() == null
				|| !INSTANCE_OPERATIONS.contains(request.getRestOperationType())
				|| request.getId() == null || !request.getId().hasIdPart()) {
			return null;
		}
		return new ResourceNotFoundException(HubErrorCode.RESOURCE_NOT_KNOWN.message(
				"resource " + request.getResourceName() + "/" + request.getId().getIdPart() + " is not known"));
	}
}
