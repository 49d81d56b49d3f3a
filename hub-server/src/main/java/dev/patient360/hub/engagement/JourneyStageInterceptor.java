package dev.patient360.hub.engagement;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import dev.patient360.hub.errors.HubErrorCode;
import dev.patient360.hub.fhir.HubInterceptor;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.ChargeItem;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Notes the Patients whose engagement may have changed when a caller writes an Encounter,
 * Appointment, MedicationRequest, Procedure, CarePlan, Condition, ChargeItem, Claim, Coverage or
 * Communication, and recomputes their stage, segments and value after the caller's transaction
 * commits, in a transaction of its own. The caller's write never fails because of the engine (a
 * failure is logged as HUB-6000; the next relevant write or the catch-up batch repairs it).
 * As a server interceptor it sees only callers' requests: the engine's own Patient writes do not
 * trigger it.
 */
@Interceptor
class JourneyStageInterceptor implements HubInterceptor {

	private static final Logger log = LoggerFactory.getLogger(JourneyStageInterceptor.class);

	private final EngagementService service;
	private final TransactionTemplate newTransaction;
	private final EngagementProperties properties;

	JourneyStageInterceptor(EngagementService service, PlatformTransactionManager transactions,
			EngagementProperties properties) {
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
		written(oldResource);
		written(newResource);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
	void deleted(IBaseResource resource) {
		written(resource);
	}

	private void written(IBaseResource resource) {
		if (!properties.enabled() || resource == null) {
			return;
		}
		List<String> ids = patientsOf(resource);
		if (ids.isEmpty()) {
			return;
		}
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			recompute(Set.copyOf(ids));
			return;
		}
		Pending pending = (Pending) TransactionSynchronizationManager.getResource(Pending.class);
		if (pending == null) {
			pending = new Pending();
			TransactionSynchronizationManager.bindResource(Pending.class, pending);
			TransactionSynchronizationManager.registerSynchronization(pending);
		}
		pending.ids.addAll(ids);
	}

	static List<String> patientsOf(IBaseResource resource) {
		Stream<Reference> refs;
		if (resource instanceof Encounter e) {
			refs = Stream.of(e.getSubject());
		}
		else if (resource instanceof Appointment a) {
			refs = a.getParticipant().stream().map(Appointment.AppointmentParticipantComponent::getActor);
		}
		else if (resource instanceof MedicationRequest m) {
			refs = Stream.of(m.getSubject());
		}
		else if (resource instanceof Procedure p) {
			refs = Stream.of(p.getSubject());
		}
		else if (resource instanceof CarePlan c) {
			refs = Stream.of(c.getSubject());
		}
		else if (resource instanceof Condition c) {
			refs = Stream.of(c.getSubject());
		}
		else if (resource instanceof ChargeItem c) {
			refs = Stream.of(c.getSubject());
		}
		else if (resource instanceof Claim c) {
			refs = Stream.of(c.getPatient());
		}
		else if (resource instanceof Coverage c) {
			refs = Stream.of(c.getBeneficiary());
		}
		else if (resource instanceof Communication c) {
			refs = Stream.concat(Stream.of(c.getSubject()), c.getRecipient().stream());
		}
		else {
			return List.of();
		}
		return refs.filter(r -> r != null && r.getReferenceElement().hasIdPart()
						&& "Patient".equals(r.getReferenceElement().getResourceType()))
				.map(r -> "Patient/" + r.getReferenceElement().getIdPart())
				.distinct()
				.toList();
	}

	private void recompute(Set<String> ids) {
		for (String id : ids) {
			try {
				newTransaction.executeWithoutResult(status -> service.recompute(id));
			}
			catch (RuntimeException e) {
				log.warn("{} engagement not recomputed for one Patient: {}", HubErrorCode.ENGAGEMENT_RECOMPUTE_FAILED.code(),
						e.getClass().getSimpleName());
			}
		}
	}

	private final class Pending implements TransactionSynchronization {
		private final Set<String> ids = new LinkedHashSet<>();

		@Override
		public void afterCommit() {
			recompute(ids);
		}

		@Override
		public void afterCompletion(int status) {
			if (TransactionSynchronizationManager.hasResource(Pending.class)) {
				TransactionSynchronizationManager.unbindResource(Pending.class);
			}
		}
	}
}
