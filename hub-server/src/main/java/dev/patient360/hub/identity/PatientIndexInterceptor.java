package dev.patient360.hub.identity;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;

import dev.patient360.hub.fhir.HubInterceptor;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Patient;

/**
 * Matches every source Patient written over the FHIR API before its transaction commits. The hub's
 * own writes (golden records, via system requests) do not reach server interceptors, and golden
 * records are skipped by their tag besides.
 */
@Interceptor
class PatientIndexInterceptor implements HubInterceptor {

	private final PatientIndex index;
	private final PatientIndexProperties properties;

	PatientIndexInterceptor(PatientIndex index, PatientIndexProperties properties) {
		this.index = index;
		this.properties = properties;
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
	void created(IBaseResource resource) {
		written(resource);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
	void updated(IBaseResource oldResource, IBaseResource newResource) {
		written(newResource);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
	void deleted(IBaseResource resource) {
		if (properties.enabled() && resource instanceof Patient patient && !GoldenRecords.isGolden(patient)) {
			index.sourceDeleted("Patient/" + patient.getIdElement().getIdPart());
		}
	}

	private void written(IBaseResource resource) {
		if (properties.enabled() && resource instanceof Patient patient && !GoldenRecords.isGolden(patient)) {
			index.sourceWritten(patient);
		}
	}
}
