package dev.patient360.hub.audit;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;

import dev.patient360.hub.fhir.HubInterceptor;

/**
 * Keeps AuditEvents out of {@code Patient/$everything}. They name the patient, so HAPI would count
 * them as the patient's data: every {@code $everything} would return the records of all earlier
 * accesses (and add one more), and the trail would reach callers who may read the patient but not
 * the trail. {@code $everything} is answered as if the client had asked {@code _type} = every
 * resource type but AuditEvent (or its own {@code _type} list without AuditEvent). Auditors read the
 * trail with {@code AuditEvent?patient=}.
 */
@Interceptor
class AuditEventsOutsideEverything implements HubInterceptor {

	static final String AUDIT_EVENT = "AuditEvent";
	private static final String TYPE = "_type";

	private final String everyTypeButAuditEvent;

	AuditEventsOutsideEverything(FhirContext fhirContext) {
		this.everyTypeButAuditEvent = fhirContext.getResourceTypes().stream()
				.filter(type -> !type.equals(AUDIT_EVENT))
				.sorted()
				.collect(Collectors.joining(","));
	}

	/** Before the operation's parameters are read from the request. */
	@Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
	void withoutAuditEvents(RequestDetails request) {
		if (!"$everything".equals(request.getOperation()) || !"Patient".equals(request.getResourceName())) {
			return;
		}
		Map<String, String[]> parameters = new HashMap<>(request.getParameters());
		String[] asked = parameters.get(TYPE);
		String types = asked == null || asked.length == 0 ? everyTypeButAuditEvent
				: Arrays.stream(asked).flatMap(v -> Arrays.stream(v.split(",")))
						.map(String::trim)
						.filter(type -> !type.isEmpty() && !type.equals(AUDIT_EVENT))
						.collect(Collectors.joining(","));
		parameters.put(TYPE, new String[] {types.isEmpty() ? "Patient" : types});
		request.setParameters(parameters);
	}
}
