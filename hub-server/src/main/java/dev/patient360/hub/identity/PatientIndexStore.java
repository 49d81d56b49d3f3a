package dev.patient360.hub.identity;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.patient360.hub.errors.HubErrorCode;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The index's tables in the hub's database. They sit beside HAPI's tables and are written through
 * the same DataSource, so in a FHIR write they join its transaction and commit or roll back with it.
 * <ul>
 * <li>{@code hub_pi_source}: the match facts of each source Patient (JSON);
 * <li>{@code hub_pi_key}: blocking keys → source Patients, to find candidates without a scan;
 * <li>{@code hub_pi_link}: source Patient → golden Patient, with HAPI MDM's match result, link
 * source and score; at most one MATCH per source, any number of POSSIBLE_MATCH (the review queue);
 * <li>{@code hub_pi_link_history}: every link change, never updated or deleted;
 * <li>{@code hub_pi_rejected}: pairs a steward rejected, which matching never links again.
 * </ul>
 */
class PatientIndexStore {

	/** Serialises concurrent hub starts creating the tables. */
	private static final long DDL_LOCK = 0x7031_3630_4964_7801L;
	/**
	 * Matching holds it shared, stewardship (merge, unmerge, review decisions, deletes) exclusively:
	 * a steward's change of links never interleaves with matching.
	 */
	private static final long MATCH_LOCK = 0x7031_3630_4964_7802L;
	/**
	 * Name space (first key of PostgreSQL's two-int advisory locks, which never overlap the one-bigint
	 * locks above) of the per-blocking-key locks.
	 */
	private static final int KEY_LOCK_SPACE = 0x70693630;

	private static final ObjectMapper JSON = new ObjectMapper();

	private final DataSource dataSource;
	private final JdbcTemplate jdbc;

	PatientIndexStore(DataSource dataSource) {
		this.dataSource = dataSource;
		this.jdbc = new JdbcTemplate(dataSource);
	}

	/** A link row. Times are epoch milliseconds. */
	record Link(String sourceId, String goldenId, MatchResult matchResult, String linkSource, double score,
			boolean eidMatch, boolean createdNewGolden, long created, long updated) {
	}

	record Candidate(String sourceId, PatientFacts facts, String goldenId) {
	}

	void createTablesIfMissing() {
		try (Connection c = dataSource.getConnection()) {
			boolean autoCommit = c.getAutoCommit();
			c.setAutoCommit(false);
			try (Statement st = c.createStatement()) {
				st.execute("select pg_advisory_xact_lock(" + DDL_LOCK + ")");
				st.execute("create table if not exists hub_pi_source (source_id varchar(100) primary key, "
						+ "facts text not null, updated_at timestamptz not null default now())");
				st.execute("create table if not exists hub_pi_key (key varchar(300) not null, "
						+ "source_id varchar(100) not null, primary key (key, source_id))");
				st.execute("create index if not exists hub_pi_key_source on hub_pi_key (source_id)");
				st.execute("create table if not exists hub_pi_link (source_id varchar(100) not null, "
						+ "golden_id varchar(100) not null, match_result varchar(20) not null, "
						+ "link_source varchar(10) not null, score double precision not null, "
						+ "eid_match boolean not null, created_new_golden boolean not null, "
						+ "created_at timestamptz not null default now(), updated_at timestamptz not null default now(), "
						+ "primary key (source_id, golden_id))");
				st.execute("create index if not exists hub_pi_link_golden on hub_pi_link (golden_id)");
				st.execute("create index if not exists hub_pi_link_result on hub_pi_link (match_result)");
				st.execute("create table if not exists hub_pi_link_history (id bigserial primary key, "
						+ "at timestamptz not null default now(), action varchar(30) not null, "
						+ "source_id varchar(100) not null, golden_id varchar(100) not null, "
						+ "match_result varchar(20), link_source varchar(10), score double precision, "
						+ "eid_match boolean, created_new_golden boolean, reason varchar(200))");
				st.execute("create index if not exists hub_pi_link_history_source on hub_pi_link_history (source_id)");
				st.execute("create table if not exists hub_pi_rejected (source_id varchar(100) not null, "
						+ "golden_id varchar(100) not null, at timestamptz not null default now(), "
						+ "primary key (source_id, golden_id))");
				c.commit();
			}
			finally {
				c.setAutoCommit(autoCommit);
			}
		}
		catch (SQLException e) {
			throw new IllegalStateException(HubErrorCode.PATIENT_INDEX_SCHEMA.code()
					+ " could not create the patient index tables", e);
		}
	}

	/** Stewardship: excludes all matching until the surrounding transaction ends. */
	void lockForMatching() {
		jdbc.query("select pg_advisory_xact_lock(?)", rs -> null, MATCH_LOCK);
	}

	/**
	 * Matching of one source Patient: locks each of its blocking keys (and the global lock shared)
	 * until the surrounding transaction ends. Two writes that could match each other share a blocking
	 * key (candidates are only ever found by one), so they are serialised, and the later one sees the
	 * earlier one's link; writes of different people proceed in parallel. Keys are locked in one
	 * statement in ascending order, so two writes never wait on each other crosswise.
	 */
	void lockForMatching(Set<String> blockingKeys) {
		jdbc.query("select pg_advisory_xact_lock_shared(?)", rs -> null, MATCH_LOCK);
		if (blockingKeys.isEmpty()) {
			return;
		}
		Integer[] hashes = blockingKeys.stream().map(PatientIndexStore::keyHash).distinct().sorted()
				.toArray(Integer[]::new);
		jdbc.query("select count(pg_advisory_xact_lock(?, h)) from (select h from unnest(?::int[]) h order by h) k",
				rs -> null, KEY_LOCK_SPACE, hashes);
	}

	/**
	 * Serialises the writes that refresh one golden record (its sources' updates, links to it), which
	 * would otherwise conflict on its version. Taken after {@link #lockForMatching(Set)}.
	 */
	void lockGolden(String goldenId) {
		jdbc.query("select pg_advisory_xact_lock(?, ?)", rs -> null, KEY_LOCK_SPACE, keyHash("golden|" + goldenId));
	}

	/** A 32-bit lock id of a blocking key; a collision only serialises two unrelated writes. */
	static int keyHash(String key) {
		try {
			byte[] d = java.security.MessageDigest.getInstance("SHA-256")
					.digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
			return java.nio.ByteBuffer.wrap(d).getInt();
		}
		catch (java.security.NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	void saveFacts(String sourceId, PatientFacts facts) {
		jdbc.update("insert into hub_pi_source (source_id, facts) values (?, ?) "
				+ "on conflict (source_id) do update set facts = excluded.facts, updated_at = now()",
				sourceId, toJson(facts));
		jdbc.update("delete from hub_pi_key where source_id = ?", sourceId);
		Set<String> keys = facts.blockingKeys();
		List<Object[]> rows = new ArrayList<>();
		for (String key : keys) {
			rows.add(new Object[] { key.length() > 300 ? key.substring(0, 300) : key, sourceId });
		}
		jdbc.batchUpdate("insert into hub_pi_key (key, source_id) values (?, ?) on conflict do nothing", rows);
	}

	boolean isIndexed(String sourceId) {
		return !jdbc.queryForList("select 1 from hub_pi_source where source_id = ?", Integer.class, sourceId).isEmpty();
	}

	void forget(String sourceId) {
		jdbc.update("delete from hub_pi_key where source_id = ?", sourceId);
		jdbc.update("delete from hub_pi_source where source_id = ?", sourceId);
	}

	/** Indexed source Patients sharing a blocking key, with the golden record each is a MATCH of. */
	List<Candidate> candidates(String sourceId, Set<String> keys) {
		if (keys.isEmpty()) {
			return List.of();
		}
		return jdbc.query("select s.source_id, s.facts, l.golden_id from hub_pi_source s "
				+ "join hub_pi_link l on l.source_id = s.source_id and l.match_result = 'MATCH' "
				+ "where s.source_id in (select k.source_id from hub_pi_key k where k.key = any (?)) "
				+ "and s.source_id <> ?",
				(rs, i) -> new Candidate(rs.getString(1), fromJson(rs.getString(2)), rs.getString(3)),
				keys.toArray(String[]::new), sourceId);
	}

	Optional<PatientFacts> facts(String sourceId) {
		return jdbc.query("select facts from hub_pi_source where source_id = ?",
				(rs, i) -> fromJson(rs.getString(1)), sourceId).stream().findFirst();
	}

	Optional<String> goldenOf(String sourceId) {
		return jdbc.queryForList("select golden_id from hub_pi_link where source_id = ? and match_result = 'MATCH'",
				String.class, sourceId).stream().findFirst();
	}

	List<String> sourcesOf(String goldenId) {
		return jdbc.queryForList("select source_id from hub_pi_link where golden_id = ? and match_result = 'MATCH' "
				+ "order by source_id", String.class, goldenId);
	}

	boolean isRejected(String sourceId, String goldenId) {
		return !jdbc.queryForList("select 1 from hub_pi_rejected where source_id = ? and golden_id = ?",
				Integer.class, sourceId, goldenId).isEmpty();
	}

	void reject(String sourceId, String goldenId) {
		jdbc.update("insert into hub_pi_rejected (source_id, golden_id) values (?, ?) on conflict do nothing",
				sourceId, goldenId);
	}

	void link(Link link, String action, String reason) {
		jdbc.update("insert into hub_pi_link (source_id, golden_id, match_result, link_source, score, eid_match, "
				+ "created_new_golden) values (?, ?, ?, ?, ?, ?, ?) on conflict (source_id, golden_id) do update set "
				+ "match_result = excluded.match_result, link_source = excluded.link_source, score = excluded.score, "
				+ "eid_match = excluded.eid_match, updated_at = now()",
				link.sourceId(), link.goldenId(), link.matchResult().name(), link.linkSource(), link.score(),
				link.eidMatch(), link.createdNewGolden());
		history(action, link, reason);
	}

	/** Removes a link; the history keeps its last values, so an unmerge can restore it exactly. */
	void unlink(Link link, String action, String reason) {
		jdbc.update("delete from hub_pi_link where source_id = ? and golden_id = ?", link.sourceId(), link.goldenId());
		history(action, link, reason);
	}

	private void history(String action, Link link, String reason) {
		jdbc.update("insert into hub_pi_link_history (action, source_id, golden_id, match_result, link_source, score, "
				+ "eid_match, created_new_golden, reason) values (?, ?, ?, ?, ?, ?, ?, ?, ?)", action, link.sourceId(),
				link.goldenId(), link.matchResult().name(), link.linkSource(), link.score(), link.eidMatch(),
				link.createdNewGolden(), reason);
	}

	Optional<Link> link(String sourceId, String goldenId) {
		return links(sourceId, goldenId, null, null, 0, 1).stream().findFirst();
	}

	boolean isGolden(String goldenId) {
		return !jdbc.queryForList("select 1 from hub_pi_link where golden_id = ? and match_result = 'MATCH' limit 1",
				Integer.class, goldenId).isEmpty();
	}

	/** The reason tag of the latest merge that took links away from {@code goldenId}, if any. */
	Optional<String> latestMergeFrom(String goldenId) {
		return jdbc.queryForList("select reason from hub_pi_link_history where golden_id = ? and action = 'MERGE_OUT' "
				+ "order by id desc limit 1", String.class, goldenId).stream().findFirst();
	}

	/** The links as they were before the merge tagged {@code reason}. */
	List<Link> linksBefore(String reason) {
		return jdbc.query("select source_id, golden_id, match_result, link_source, score, eid_match, created_new_golden "
				+ "from hub_pi_link_history where action = 'MERGE_OUT' and reason = ? order by id",
				(rs, i) -> new Link(rs.getString(1), rs.getString(2), MatchResult.valueOf(rs.getString(3)),
						rs.getString(4), rs.getDouble(5), rs.getBoolean(6), rs.getBoolean(7), 0, 0), reason);
	}

	boolean unmerged(String reason) {
		return !jdbc.queryForList("select 1 from hub_pi_link_history where action = 'UNMERGE' and reason = ? limit 1",
				Integer.class, reason).isEmpty();
	}

	/** Links by the filters of {@code $mdm-query-links} (null = any), in a stable order. */
	List<Link> links(String sourceId, String goldenId, MatchResult result, String linkSource, int offset, int count) {
		StringBuilder sql = new StringBuilder("select source_id, golden_id, match_result, link_source, score, eid_match, "
				+ "created_new_golden, created_at, updated_at from hub_pi_link where true");
		List<Object> args = new ArrayList<>();
		if (sourceId != null) {
			sql.append(" and source_id = ?");
			args.add(sourceId);
		}
		if (goldenId != null) {
			sql.append(" and golden_id = ?");
			args.add(goldenId);
		}
		if (result != null) {
			sql.append(" and match_result = ?");
			args.add(result.name());
		}
		if (linkSource != null) {
			sql.append(" and link_source = ?");
			args.add(linkSource);
		}
		sql.append(" order by golden_id, source_id offset ? limit ?");
		args.add(offset);
		args.add(count);
		return jdbc.query(sql.toString(), (rs, i) -> new Link(rs.getString(1), rs.getString(2),
				MatchResult.valueOf(rs.getString(3)), rs.getString(4), rs.getDouble(5), rs.getBoolean(6), rs.getBoolean(7),
				millis(rs.getTimestamp(8)), millis(rs.getTimestamp(9))), args.toArray());
	}

	private static long millis(Timestamp t) {
		return t == null ? 0 : t.getTime();
	}

	private static String toJson(PatientFacts facts) {
		try {
			return JSON.writeValueAsString(facts);
		}
		catch (JsonProcessingException e) {
			throw new IllegalStateException(e);
		}
	}

	private static PatientFacts fromJson(String json) {
		try {
			return JSON.readValue(json, PatientFacts.class);
		}
		catch (JsonProcessingException e) {
			throw new IllegalStateException(e);
		}
	}
}
