package dev.patient360.routes.fhirbulk;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.patient360.routes.kit.ConnectorProgress;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The current export job per instance (table {@code bulk_job}: status URL, {@code _since}, manifest,
 * counts) and its completed files ({@code bulk_job_file}), so a restarted app resumes the job from
 * the first file not completed instead of exporting again. Also the {@code progress} of
 * {@code /api/connectors}.
 */
@Component
class BulkJobs implements ConnectorProgress {

	record Job(String instance, String statusUrl, Instant since, String manifest) {
	}

	private final JdbcClient jdbc;

	BulkJobs(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	Optional<Job> current(String instance) {
		return jdbc.sql("select instance, status_url, since, manifest from bulk_job where instance = ?").param(instance)
				.query((rs, n) -> new Job(rs.getString(1), rs.getString(2),
						Optional.ofNullable(rs.getObject(3, OffsetDateTime.class)).map(OffsetDateTime::toInstant).orElse(null),
						rs.getString(4)))
				.optional();
	}

	@Transactional
	void started(String instance, String statusUrl, Instant since) {
		forget(instance);
		jdbc.sql("insert into bulk_job (instance, status_url, since) values (?, ?, ?)")
				.params(instance, statusUrl, since == null ? null : since.atOffset(ZoneOffset.UTC)).update();
	}

	void progress(String instance, String progress) {
		jdbc.sql("update bulk_job set progress = ? where instance = ?")
				.params(progress == null ? null : progress.substring(0, Math.min(100, progress.length())), instance).update();
	}

	void completed(String instance, String manifest, Instant transactionTime, int files) {
		jdbc.sql("update bulk_job set manifest = ?, transaction_time = ?, files_total = ?, progress = 'complete' where instance = ?")
				.params(manifest, transactionTime.atOffset(ZoneOffset.UTC), files, instance).update();
	}

	Set<String> doneFiles(String instance) {
		return Set.copyOf(jdbc.sql("select url from bulk_job_file where instance = ?").param(instance).query(String.class).list());
	}

	@Transactional
	void fileDone(String instance, String url, int resources) {
		jdbc.sql("insert into bulk_job_file (instance, url, resources) values (?, ?, ?) on conflict do nothing")
				.params(instance, url, resources).update();
		jdbc.sql("update bulk_job set files_done = files_done + 1, resources = resources + ? where instance = ?")
				.params(resources, instance).update();
	}

	/**
	 * Records a file the source refused for good as finished for the job (a resumed run does not ask
	 * again) and remembers the refusal until the job ends.
	 *
	 * @param resourceType the file's type, or null for a {@code deleted} file (it concerns every type)
	 */
	@Transactional
	void fileRefused(String instance, String url, String resourceType, String error) {
		jdbc.sql("""
				insert into bulk_job_file (instance, url, resources, refused_type, refused_error) values (?, ?, 0, ?, ?)
				on conflict do nothing""")
				.params(instance, url, resourceType == null ? "*" : resourceType, error).update();
		jdbc.sql("update bulk_job set files_done = files_done + 1 where instance = ?").param(instance).update();
	}

	/** Refusals of the current job: resource type ({@code *} = every type) → error. */
	Map<String, String> refusedFiles(String instance) {
		Map<String, String> refused = new LinkedHashMap<>();
		jdbc.sql("select refused_type, refused_error from bulk_job_file where instance = ? and refused_type is not null order by done_at")
				.param(instance).query(rs -> {
					refused.put(rs.getString(1), rs.getString(2));
				});
		return refused;
	}

	@Transactional
	void forget(String instance) {
		jdbc.sql("delete from bulk_job_file where instance = ?").param(instance).update();
		jdbc.sql("delete from bulk_job where instance = ?").param(instance).update();
	}

	@Override
	public String type() {
		return FhirBulkPuller.TYPE;
	}

	@Override
	public Optional<Map<String, Object>> progress(String instance) {
		return jdbc.sql("""
				select status_url, since, kicked_off_at, progress, transaction_time, files_total, files_done, resources
				from bulk_job where instance = ?""")
				.param(instance)
				.query((rs, n) -> {
					Map<String, Object> m = new LinkedHashMap<>();
					m.put("job", rs.getString(1));
					m.put("since", rs.getObject(2, OffsetDateTime.class));
					m.put("kickedOffAt", rs.getObject(3, OffsetDateTime.class));
					m.put("exportProgress", rs.getString(4));
					m.put("transactionTime", rs.getObject(5, OffsetDateTime.class));
					m.put("filesTotal", rs.getObject(6, Integer.class));
					m.put("filesDone", rs.getInt(7));
					m.put("resources", rs.getLong(8));
					return m;
				})
				.optional();
	}
}
