package dev.patient360.hub.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.dao.CacheTagDefinitionDao;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;

import org.springframework.stereotype.Component;

/**
 * Keeps a retried write from storing its tags against tag definitions that its failed attempt
 * created and the rollback removed. HAPI FHIR 8.8.0 remembers the tag definitions a write resolved
 * in its {@link TransactionDetails} ({@link CacheTagDefinitionDao#RESOLVED_TAG_DEFINITIONS}), but
 * on a retry it clears another key, so the retry reuses the ids of definitions that no longer exist:
 * its resources then lose their tags (the source-system tag every source's access depends on;
 * HAPI warns "Tag definition HFJ_TAG_DEF#n is missing"). Seen in the demo under start-up load, when
 * {@link VersionConflictRetryInterceptor} retried a source's first transaction. Each write forgets
 * what it resolved when a rollback undoes its changes, so a retry resolves its tags again.
 */
@Component
@Interceptor
class TagDefinitionRetryInterceptor implements HubInterceptor {

	private static final String REGISTERED = TagDefinitionRetryInterceptor.class.getName() + "_registered";

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	void created(TransactionDetails details) {
		forgetResolvedTagsOnRollback(details);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	void updated(TransactionDetails details) {
		forgetResolvedTagsOnRollback(details);
	}

	/** Once per write: HAPI runs a write's undo actions on every rollback it retries after. */
	static void forgetResolvedTagsOnRollback(TransactionDetails details) {
		if (details == null || details.getUserData(REGISTERED) != null) {
			return;
		}
		details.putUserData(REGISTERED, Boolean.TRUE);
		details.addRollbackUndoAction(() -> {
			details.clearUserData(CacheTagDefinitionDao.RESOLVED_TAG_DEFINITIONS);
			// The retry registers again, so a second rollback is undone as well.
			details.clearUserData(REGISTERED);
		});
	}
}
