package dev.patient360.hub.engagement;

import java.util.LinkedHashSet;
import java.util.Set;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import dev.patient360.hub.errors.HubErrorCode;
import dev.patient360.hub.fhir.HubInterceptor;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Appointment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Notes the Appointments a caller creates, updates or deletes and plans their reminders after the
 * caller's transaction commits, each in a transaction of its own (the pattern of
 * {@link JourneyStageInterceptor}). The caller's write never waits for or fails because of a
 * reminder: a failure is logged as HUB-6020 and the next write of the Appointment plans again. The
 * hub's own writes (reminders, not-done Communications) are not seen by server interceptors.
 */
@Interceptor
class ReminderInterceptor implements HubInterceptor {

	private static final Logger log = LoggerFactory.getLogger(ReminderInterceptor.class);

	private final ReminderService service;
	private final TransactionTemplate newTransaction;
	private final ReminderProperties properties;

	ReminderInterceptor(ReminderService service, PlatformTransactionManager transactions, ReminderProperties properties) {
		this.service = service;
		this.newTransaction = new TransactionTemplate(transactions);
		this.newTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
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
		written(resource);
	}

	private void written(IBaseResource resource) {
		if (!properties.enabled() || !(resource instanceof Appointment) || !resource.getIdElement().hasIdPart()) {
			return;
		}
		String id = "Appointment/" + resource.getIdElement().getIdPart();
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			plan(Set.of(id));
			return;
		}
		Pending pending = (Pending) TransactionSynchronizationManager.getResource(Pending.class);
		if (pending == null) {
			pending = new Pending();
			TransactionSynchronizationManager.bindResource(Pending.class, pending);
			TransactionSynchronizationManager.registerSynchronization(pending);
		}
		pending.ids.add(id);
	}

	private void plan(Set<String> ids) {
		for (String id : ids) {
			try {
				newTransaction.executeWithoutResult(status -> service.plan(id));
			}
			catch (RuntimeException e) {
				log.warn("{} reminder not planned for one Appointment: {}", HubErrorCode.REMINDER_PLANNING_FAILED.code(),
						e.getClass().getSimpleName());
			}
		}
	}

	private final class Pending implements TransactionSynchronization {
		private final Set<String> ids = new LinkedHashSet<>();

		@Override
		public void afterCommit() {
			plan(ids);
		}

		@Override
		public void afterCompletion(int status) {
			if (TransactionSynchronizationManager.hasResource(Pending.class)) {
				TransactionSynchronizationManager.unbindResource(Pending.class);
			}
		}
	}
}
