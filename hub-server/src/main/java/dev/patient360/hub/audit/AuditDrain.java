package dev.patient360.hub.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;

import dev.patient360.hub.errors.HubErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.IdType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Turns queued audit records into AuditEvent resources. One pass locks a batch of rows that no other
 * hub instance holds ({@code FOR UPDATE SKIP LOCKED}), stores one AuditEvent per row and deletes the
 * rows, all in one database transaction: after a crash at any point each row either is still queued
 * or has become exactly one AuditEvent. A row that cannot be stored is retried alone and, after
 * {@code maxAttempts}, left in the queue for an operator ({@code HUB-2103}).
 */
class AuditDrain implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(AuditDrain.class);

	private final AuditQueue queue;
	private final DaoRegistry daos;
	private final IFhirResourceDao<AuditEvent> auditEvents;
	private final FhirContext fhirContext;
	private final TransactionTemplate transaction;
	private final HubAuditProperties props;
	private final AtomicLong depth = new AtomicLong();
	private final AtomicLong stuck = new AtomicLong();
	private final Counter drained;
	private volatile ScheduledExecutorService executor;
	private boolean failing;

	AuditDrain(AuditQueue queue, DaoRegistry daos, FhirContext fhirContext,
			PlatformTransactionManager transactions, HubAuditProperties props, MeterRegistry meters) {
		this.queue = queue;
		this.daos = daos;
		this.auditEvents = daos.getResourceDao(AuditEvent.class);
		this.fhirContext = fhirContext;
		this.transaction = new TransactionTemplate(transactions);
		this.props = props;
		Gauge.builder("hub.audit.queue.depth", depth, AtomicLong::get)
				.description("Audit records waiting to become AuditEvents").register(meters);
		Gauge.builder("hub.audit.queue.stuck", stuck, AtomicLong::get)
				.description("Audit records that failed too often to become AuditEvents (HUB-2103)").register(meters);
		this.drained = Counter.builder("hub.audit.drained").description("AuditEvents stored from the queue")
				.register(meters);
	}

	@Override
	public void start() {
		executor = Executors.newSingleThreadScheduledExecutor(r -> {
			Thread t = new Thread(r, "audit-drain");
			t.setDaemon(true);
			return t;
		});
		executor.scheduleWithFixedDelay(this::drainQuietly, 0, props.drainPeriod().toMillis(), TimeUnit.MILLISECONDS);
	}

	@Override
	public void stop() {
		ScheduledExecutorService running = executor;
		executor = null;
		if (running != null) {
			running.shutdown();
			try {
				running.awaitTermination(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return executor != null;
	}

	/** After the web server (which starts late in the SmartLifecycle order): the FHIR server is up. */
	@Override
	public int getPhase() {
		return Integer.MAX_VALUE - 1000;
	}

	private void drainQuietly() {
		try {
			while (executor != null && drainOnce() == props.batchSize()) {
				// a full batch: more are probably waiting
			}
			depth.set(queue.depth());
			stuck.set(queue.stuck(props.maxAttempts()));
			if (failing) {
				log.info("Audit drain working again");
				failing = false;
			}
		}
		catch (RuntimeException e) {
			if (!failing) {
				log.warn("{} audit drain failed, records stay queued and are retried: {}",
						HubErrorCode.AUDIT_DRAIN_FAILED.code(), e.getClass().getName());
				failing = true;
			}
		}
	}

	/** One pass: at most one batch. Returns the number of rows taken from the queue. */
	int drainOnce() {
		try {
			Integer n = transaction.execute(status ->
					drainBatch(queue.lockBatch(props.batchSize(), props.maxAttempts()), false));
			return n == null ? 0 : n;
		}
		catch (RuntimeException batchFailed) {
			// One bad row must not hold up the others: retry the rows one by one.
			return drainOneByOne();
		}
	}

	private int drainBatch(List<AuditQueue.QueuedRecord> rows, boolean logicalReferences) {
		if (rows.isEmpty()) {
			return 0;
		}
		SystemRequestDetails system = new SystemRequestDetails();
		List<Long> ids = new ArrayList<>(rows.size());
		for (AuditQueue.QueuedRecord row : rows) {
			AuditEvent event = fhirContext.newJsonParser().parseResource(AuditEvent.class, row.payload());
			auditEvents.create(logicalReferences ? AuditEventBuilder.withLogicalReferences(event, this::gone) : event,
					system);
			ids.add(row.id());
		}
		queue.delete(ids);
		drained.increment(rows.size());
		return rows.size();
	}

	/** Whether the target of a literal reference ({@code Type/id[/_history/n]}) is deleted or unknown. */
	private boolean gone(String reference) {
		IdType id = new IdType(reference);
		if (!id.hasResourceType() || !daos.isResourceTypeSupported(id.getResourceType())) {
			return true;
		}
		// A search, not a read: a read of a missing resource throws through HAPI's transactional DAO
		// and would mark this drain's transaction rollback-only.
		SearchParameterMap byId = SearchParameterMap.newSynchronous("_id", new TokenParam(id.getIdPart()));
		return daos.getResourceDao(id.getResourceType()).search(byId, new SystemRequestDetails()).isEmpty();
	}

	private int drainOneByOne() {
		int done = 0;
		for (int i = 0; i < props.batchSize(); i++) {
			List<AuditQueue.QueuedRecord> taken = new ArrayList<>(1);
			try {
				Integer n = drainOne(taken, false);
				if (n == null || n == 0) {
					return done;
				}
				done += n;
			}
			catch (RuntimeException e) {
				if (taken.isEmpty()) {
					throw e;
				}
				try {
					// A record naming a resource deleted (or never created) since it was recorded: the
					// store refuses such literal references, so it is stored with logical ones.
					taken.clear();
					Integer n = drainOne(taken, true);
					done += n == null ? 0 : n;
				}
				catch (RuntimeException again) {
					if (taken.isEmpty()) {
						throw again;
					}
					countFailure(taken.get(0).id(), again);
				}
			}
		}
		return done;
	}

	private Integer drainOne(List<AuditQueue.QueuedRecord> taken, boolean logicalReferences) {
		return transaction.execute(status -> {
			List<AuditQueue.QueuedRecord> rows = queue.lockBatch(1, props.maxAttempts());
			taken.addAll(rows);
			return drainBatch(rows, logicalReferences);
		});
	}

	private void countFailure(long id, RuntimeException cause) {
		try {
			int attempts = queue.countFailedAttempt(id);
			if (attempts >= props.maxAttempts()) {
				log.error("{} audit record {} failed {} times and stays in {} for an operator: {}",
						HubErrorCode.AUDIT_RECORD_STUCK.code(), id, attempts, AuditQueue.TABLE, cause.getClass().getName());
			}
		}
		catch (java.sql.SQLException e) {
			throw new IllegalStateException(e);
		}
	}
}
