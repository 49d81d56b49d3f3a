package dev.patient360.hub.identity;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;

import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Links the Patients that were stored while the index was off (or before it existed): one pass over
 * HAPI's resource table in id order, {@code batchSize} Patients per transaction, each matched exactly
 * as on write. Runs once at start when the index is enabled and on {@code Patient/$mdm-submit};
 * progress is {@link #status()} ({@code Patient/$mdm-submit} answers it) and an INFO log line per batch.
 */
class PatientIndexBatch {

	private static final Logger log = LoggerFactory.getLogger(PatientIndexBatch.class);

	/** Where a run stands. {@code state} is IDLE, RUNNING, COMPLETED or FAILED. */
	record Status(String state, long total, long processed, long linked, Instant started, Instant finished) {
	}

	private final PatientIndex index;
	private final IFhirResourceDao<Patient> patients;
	private final JdbcTemplate jdbc;
	private final TransactionTemplate transaction;
	private final int batchSize;
	private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
		Thread t = new Thread(r, "patient-index-batch");
		t.setDaemon(true);
		return t;
	});
	private final AtomicReference<Status> status = new AtomicReference<>(new Status("IDLE", 0, 0, 0, null, null));

	PatientIndexBatch(PatientIndex index, IFhirResourceDao<Patient> patients, DataSource dataSource,
			PlatformTransactionManager tx, int batchSize) {
		this.index = index;
		this.patients = patients;
		this.jdbc = new JdbcTemplate(dataSource);
		this.transaction = new TransactionTemplate(tx);
		this.batchSize = batchSize;
	}

	Status status() {
		return status.get();
	}

	/** Starts a run unless one is running; returns the status right after. */
	synchronized Status submit() {
		if (!"RUNNING".equals(status.get().state())) {
			status.set(new Status("RUNNING", 0, 0, 0, Instant.now(), null));
			executor.submit(this::run);
		}
		return status.get();
	}

	void shutdown() {
		executor.shutdownNow();
	}

	private void run() {
		Instant started = status.get().started();
		try {
			// Up to the newest Patient at the start: golden records the run itself creates are not sources.
			Long last = jdbc.queryForObject("select max(res_id) from hfj_resource where res_type = 'Patient'", Long.class);
			long upTo = last == null ? -1 : last;
			long total = jdbc.queryForObject("select count(*) from hfj_resource where res_type = 'Patient' "
					+ "and res_deleted_at is null and res_id <= ?", Long.class, upTo);
			status.set(new Status("RUNNING", total, 0, 0, started, null));
			long after = -1;
			long processed = 0;
			long linked = 0;
			while (true) {
				List<Object[]> rows = jdbc.query("select res_id, fhir_id from hfj_resource where res_type = 'Patient' "
						+ "and res_deleted_at is null and res_id > ? and res_id <= ? order by res_id limit ?",
						(rs, i) -> new Object[] { rs.getLong(1), rs.getString(2) }, after, upTo, batchSize);
				if (rows.isEmpty()) {
					break;
				}
				after = (Long) rows.get(rows.size() - 1)[0];
				Integer newlyLinked = transaction.execute(tx -> {
					int n = 0;
					for (Object[] row : rows) {
						String id = "Patient/" + row[1];
						if (index.store().isIndexed(id)) {
							continue;
						}
						Patient patient = patients.read(new IdType(id), new SystemRequestDetails());
						if (!GoldenRecords.isGolden(patient)) {
							index.sourceWritten(patient);
							n++;
						}
					}
					return n;
				});
				processed += rows.size();
				linked += newlyLinked == null ? 0 : newlyLinked;
				status.set(new Status("RUNNING", total, processed, linked, started, null));
				log.info("patient index batch: {}/{} Patients processed, {} newly linked", processed, total, linked);
			}
			status.set(new Status("COMPLETED", total, processed, linked, started, Instant.now()));
			log.info("patient index batch: completed, {} Patients processed, {} newly linked", processed, linked);
		}
		catch (RuntimeException e) {
			Status s = status.get();
			status.set(new Status("FAILED", s.total(), s.processed(), s.linked(), started, Instant.now()));
			log.error("patient index batch failed after {} Patients; submit again to resume", s.processed(), e);
		}
	}
}
