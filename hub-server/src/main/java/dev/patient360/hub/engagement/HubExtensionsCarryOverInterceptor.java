package dev.patient360.hub.engagement;

import java.util.List;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import dev.patient360.hub.fhir.HubInterceptor;
import dev.patient360.profiles.Canonicals;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.stereotype.Component;

/**
 * Keeps the hub's own Patient extensions when a caller updates a Patient without them: the journey
 * stage, segments and engagement value (the engine's) and the contact preferences (recorded in the
 * hub). A source system re-sending its Patient (an EHR pull, an ADT update) knows nothing of them;
 * it must neither erase them nor, when nothing else changed, make a new version. A caller that sends
 * an extension of one of these kinds replaces that kind. The engine's own writes are not callers'
 * requests and do not pass here, so it still removes what no longer applies.
 */
@Component
@Interceptor
class HubExtensionsCarryOverInterceptor implements HubInterceptor {

	static final List<String> HUB_OWNED = List.of(Canonicals.EXT_JOURNEY_STAGE, Canonicals.EXT_SEGMENT,
			Canonicals.EXT_ENGAGEMENT_VALUE, Canonicals.EXT_CONTACT_PREFERENCE);

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	void updated(IBaseResource oldResource, IBaseResource newResource) {
		if (!(oldResource instanceof Patient stored) || !(newResource instanceof Patient incoming)) {
			return;
		}
		List<String> missing = HUB_OWNED.stream().filter(url -> incoming.getExtensionsByUrl(url).isEmpty()).toList();
		// In the stored order, so an otherwise unchanged Patient encodes exactly as stored (no new version).
		for (Extension e : stored.getExtension()) {
			if (missing.contains(e.getUrl())) {
				incoming.addExtension(e.copy());
			}
		}
	}
}
