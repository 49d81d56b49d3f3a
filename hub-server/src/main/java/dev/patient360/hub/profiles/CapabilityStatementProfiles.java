package dev.patient360.hub.profiles;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;

import dev.patient360.hub.fhir.HubInterceptor;
import dev.patient360.profiles.Canonicals;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.springframework.stereotype.Component;

/**
 * Lists the engagement profiles as supportedProfile of their resource types in the
 * CapabilityStatement. HAPI lists the installed SearchParameters by itself (from its registry);
 * {@code $engagement-summary} is only defined (OperationDefinition), so it is not listed until it is
 * implemented.
 */
@Component
@Interceptor
class CapabilityStatementProfiles implements HubInterceptor {

	@Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
	void addProfiles(IBaseConformance capabilities) {
		if (!(capabilities instanceof CapabilityStatement cs)) {
			return;
		}
		for (CapabilityStatementRestResourceComponent resource : cs.getRestFirstRep().getResource()) {
			String profile = switch (resource.getType()) {
				case "Patient" -> Canonicals.PROFILE_PATIENT;
				case "CommunicationRequest" -> Canonicals.PROFILE_COMMUNICATION_REQUEST;
				case "Communication" -> Canonicals.PROFILE_COMMUNICATION;
				case "Consent" -> Canonicals.PROFILE_CONSENT;
				default -> null;
			};
			if (profile != null && !resource.hasSupportedProfile(profile)) {
				resource.addSupportedProfile(profile);
			}
		}
	}
}
