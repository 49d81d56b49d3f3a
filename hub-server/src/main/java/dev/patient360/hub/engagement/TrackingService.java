package dev.patient360.hub.engagement;

import java.time.Clock;
import java.util.Date;
import java.util.List;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import dev.patient360.hub.errors.HubErrorCode;
import dev.patient360.profiles.Codes.DeliveryStatus;
import dev.patient360.profiles.CommunicationTracking;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Communication;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Records an open or a click on the Communication that fulfils a reminder request (its
 * {@code basedOn}). Only the first open and the first click count; a click means the message was
 * read, so it also sets {@code opened} when that is missing. The write is the hub's own and checks
 * the version it read, so a delivery receipt the channel routes write at the same moment is not lost
 * (a conflict reads again and retries).
 */
class TrackingService {

	enum Event {
		OPENED, CLICKED
	}

	private static final Logger log = LoggerFactory.getLogger(TrackingService.class);
	private static final int ATTEMPTS = 3;

	private final IFhirResourceDao<Communication> communications;
	private final TransactionTemplate newTransaction;
	private final Clock clock;

	TrackingService(DaoRegistry daos, PlatformTransactionManager transactions, Clock clock) {
		this.communications = daos.getResourceDao(Communication.class);
		this.newTransaction = new TransactionTemplate(transactions);
		this.newTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		this.clock = clock;
	}

	/** Never throws: a failure to record must not keep the patient from their link. */
	void record(String requestId, Event event) {
		for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
			try {
				newTransaction.executeWithoutResult(status -> apply(requestId, event));
				return;
			}
			catch (ResourceVersionConflictException e) {
				log.debug("tracking update of a Communication conflicted, attempt {}", attempt);
			}
			catch (RuntimeException e) {
				log.warn("{} {} not recorded: {}", HubErrorCode.TRACKING_UPDATE_FAILED.code(), event,
						e.getClass().getSimpleName());
				return;
			}
		}
		log.warn("{} {} not recorded: the Communication kept changing", HubErrorCode.TRACKING_UPDATE_FAILED.code(), event);
	}

	private void apply(String requestId, Event event) {
		SearchParameterMap map = SearchParameterMap.newSynchronous()
				.add(Communication.SP_BASED_ON, new ReferenceParam("CommunicationRequest/" + requestId));
		List<IBaseResource> found = communications.search(map, new SystemRequestDetails()).getAllResources();
		Date now = Date.from(clock.instant());
		for (IBaseResource r : found) {
			Communication c = (Communication) r;
			if (c.getStatus() == Communication.CommunicationStatus.NOTDONE) {
				continue;
			}
			CommunicationTracking t = CommunicationTracking.get(c);
			DeliveryStatus status = t == null || t.status() == null ? DeliveryStatus.SENT : t.status();
			Date opened = t == null ? null : t.opened();
			Date clicked = t == null ? null : t.clicked();
			CommunicationTracking updated = new CommunicationTracking(status, t == null ? null : t.delivered(),
					opened != null ? opened : now,
					event == Event.CLICKED && clicked == null ? now : clicked,
					t == null ? null : t.replied());
			if (updated.equals(t)) {
				continue;
			}
			updated.set(c);
			// The id keeps the version read: HAPI refuses the update if someone wrote in between.
			communications.update(c, new SystemRequestDetails());
		}
	}
}
