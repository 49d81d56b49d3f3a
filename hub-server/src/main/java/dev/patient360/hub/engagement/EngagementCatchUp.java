package dev.patient360.hub.engagement;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.sql.DataSource;

import dev.patient360.hub.errors.HubErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Recomputes stage, segments and value of every Patient: one pass over HAPI's resource table in id
 * order up to the newest Patient at the start of the run, {@code batchSize} Patients per batch, each
 * Patient in a transaction of its own (a Patient that fails is counted and logged, the run goes on).
 * Progress is stored in {@code hub_engagement_catch_up} after every batch together with the hash of
 * the rules it runs with, so a run interrupted by a stop resumes where it was on the next start, and
 * a start with changed rules runs again ({@link #startIfRulesChanged}). Patients are only written
 * where something changed, so running again costs reads, not versions.
 */
class EngagementCatchUp {

	private static final Logger log = LoggerFactory.getLogger(EngagementCatchUp.class);
	private static final long DDL_LOCK = 0x7031_3630_4567_7003L;

	/** Where a run stands. {@code state} is IDLE, RUNNING, COMPLETED or FAILED. */
	record Status(String state, String rulesHash, long total, long processed, long written, long failed,
			Instant started, Instant finished) {
	}

	private final EngagementService service;
	private final SegmentGroups groups;
	private final JdbcTemplate jdbc;
	private final TransactionTemplate perPatient;
	private final String rulesHash;
	private final int batchSize;
	private final Clock clock;
	private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
		Thread t = new Thread(r, "engagement-catch-up");
		t.setDaemon(true);
		return t;
	});
	private volatile boolean running;

	EngagementCatchUp(EngagementService service, SegmentGroups groups, DataSource dataSource,
			PlatformTransactionManager tx, String rulesHash, int batchSize, Clock clock) {
		this.service = service;
		this.groups = groups;
		this.jdbc = new JdbcTemplate(dataSource);
		this.perPatient = new TransactionTemplate(tx);
		this.perPatient.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		this.rulesHash = rulesHash;
		this.batchSize = batchSize;
		this.clock = clock;
		TransactionTemplate ddl = new TransactionTemplate(tx);
		ddl.executeWithoutResult(status -> {
			jdbc.execute("select pg_advisory_xact_lock(" + DDL_LOCK + ")");
			jdbc.execute("create table if not exists hub_engagement_catch_up (id int primary key, "
					+ "rules_hash varchar(64) not null, state varchar(16) not null, after_res_id bigint not null, "
					+ "up_to_res_id bigint not null, total bigint not null, processed bigint not null, "
					+ "written bigint not null, failed bigint not null, started timestamptz, finished timestamptz)");
		});
	}

	/** The hash of a rules description (the engine's settings and the rules' code version). */
	static String hash(String rules) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(rules.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	Status status() {
		List<Status> rows = jdbc.query("select state, rules_hash, total, processed, written, failed, started, finished "
				+ "from hub_engagement_catch_up where id = 1", (rs, i) -> new Status(rs.getString(1), rs.getString(2),
						rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6), instant(rs.getTimestamp(7)),
						instant(rs.getTimestamp(8))));
		return rows.isEmpty() ? new Status("IDLE", null, 0, 0, 0, 0, null, null) : rows.get(0);
	}

	/** Starts a fresh run over all Patients unless one is running in this hub; returns the status right after. */
	synchronized Status submit() {
		if (!running) {
			reset();
			launch();
		}
		return status();
	}

	/**
	 * At start: a fresh run when no run has completed with the current rules, a resumed run when one
	 * with the current rules was interrupted, nothing otherwise.
	 */
	synchronized void startIfRulesChanged() {
		Status s = status();
		if (running || rulesHash.equals(s.rulesHash()) && "COMPLETED".equals(s.state())) {
			return;
		}
		boolean fresh = !rulesHash.equals(s.rulesHash()) || "IDLE".equals(s.state());
		if (fresh) {
			reset();
		}
		log.info("engagement catch-up: {} (rules {})", fresh ? "rules changed, recomputing all Patients"
				: "resuming an interrupted run", rulesHash.substring(0, 12));
		launch();
	}

	void shutdown() {
		executor.shutdownNow();
	}

	private void reset() {
		Long last = jdbc.queryForObject("select max(res_id) from hfj_resource where res_type = 'Patient'", Long.class);
		long upTo = last == null ? -1 : last;
		long total = jdbc.queryForObject("select count(*) from hfj_resource where res_type = 'Patient' "
				+ "and res_deleted_at is null and res_id <= ?", Long.class, upTo);
		Timestamp now = Timestamp.from(clock.instant());
		int updated = jdbc.update("update hub_engagement_catch_up set rules_hash = ?, state = 'RUNNING', after_res_id = -1, "
				+ "up_to_res_id = ?, total = ?, processed = 0, written = 0, failed = 0, started = ?, finished = null "
				+ "where id = 1", rulesHash, upTo, total, now);
		if (updated == 0) {
			jdbc.update("insert into hub_engagement_catch_up (id, rules_hash, state, after_res_id, up_to_res_id, total, "
					+ "processed, written, failed, started) values (1, ?, 'RUNNING', -1, ?, ?, 0, 0, 0, ?)",
					rulesHash, upTo, total, now);
		}
	}

	private void launch() {
		running = true;
		jdbc.update("update hub_engagement_catch_up set state = 'RUNNING', finished = null where id = 1");
		executor.submit(this::run);
	}

	private void run() {
		try {
			while (!Thread.currentThread().isInterrupted()) {
				long[] at = jdbc.queryForObject("select after_res_id, up_to_res_id from hub_engagement_catch_up where id = 1",
						(rs, i) -> new long[] { rs.getLong(1), rs.getLong(2) });
				List<Object[]> rows = jdbc.query("select res_id, fhir_id from hfj_resource where res_type = 'Patient' "
						+ "and res_deleted_at is null and res_id > ? and res_id <= ? order by res_id limit ?",
						(rs, i) -> new Object[] { rs.getLong(1), rs.getString(2) }, at[0], at[1], batchSize);
				if (rows.isEmpty()) {
					break;
				}
				Set<String> done = new HashSet<>();
				long written = 0;
				long failed = 0;
				for (Object[] row : rows) {
					String id = "Patient/" + row[1];
					if (done.contains(id)) {
						continue;
					}
					try {
						Integer n = perPatient.execute(status -> {
							done.addAll(service.personOf(id));
							return service.recompute(id);
						});
						written += n == null ? 0 : n;
					}
					catch (RuntimeException e) {
						failed++;
						log.warn("{} engagement catch-up: one Patient not recomputed: {}",
								HubErrorCode.ENGAGEMENT_CATCH_UP_FAILED.code(), e.getClass().getSimpleName());
					}
				}
				jdbc.update("update hub_engagement_catch_up set after_res_id = ?, processed = processed + ?, "
						+ "written = written + ?, failed = failed + ? where id = 1",
						(Long) rows.get(rows.size() - 1)[0], rows.size(), written, failed);
				Status s = status();
				log.info("engagement catch-up: {}/{} Patients processed, {} written", s.processed(), s.total(), s.written());
			}
			groups.flush();
			jdbc.update("update hub_engagement_catch_up set state = 'COMPLETED', finished = ? where id = 1",
					Timestamp.from(clock.instant()));
			log.info("engagement catch-up: completed");
		}
		catch (RuntimeException e) {
			jdbc.update("update hub_engagement_catch_up set state = 'FAILED', finished = ? where id = 1",
					Timestamp.from(clock.instant()));
			log.error("{} engagement catch-up stopped; a restart resumes it, POST $engagement-recompute starts it over",
					HubErrorCode.ENGAGEMENT_CATCH_UP_FAILED.code(), e);
		}
		finally {
			running = false;
		}
	}

	private static Instant instant(Timestamp t) {
		return t == null ? null : t.toInstant();
	}
}
