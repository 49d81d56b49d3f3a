package dev.patient360.hub.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import javax.sql.DataSource;

import dev.patient360.hub.errors.HubErrorCode;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The durable queue of audit records, table {@value #TABLE} in the hub's database. A row is the
 * AuditEvent of one request as JSON; the drain turns rows into AuditEvent resources and deletes them
 * in the same transaction, so each row becomes exactly one AuditEvent even across crashes.
 */
final class AuditQueue {

	static final String TABLE = "hub_audit_queue";
	private static final String INSERT = "insert into " + TABLE + " (payload) values (?)";
	/** Serialises concurrent hub starts creating the table (CREATE TABLE IF NOT EXISTS alone can race). */
	private static final long DDL_LOCK = 0x7031_3630_4175_6469L;

	private final DataSource dataSource;
	private final JdbcTemplate jdbc;
	private final boolean synchronousCommit;

	AuditQueue(DataSource dataSource, boolean synchronousCommit) {
		this.dataSource = dataSource;
		this.jdbc = new JdbcTemplate(dataSource);
		this.synchronousCommit = synchronousCommit;
	}

	/** Idempotent: creates the table on a new database, does nothing on an existing one. */
	void createTableIfMissing() {
		try (Connection c = dataSource.getConnection()) {
			boolean autoCommit = c.getAutoCommit();
			c.setAutoCommit(false);
			try (Statement st = c.createStatement()) {
				st.execute("select pg_advisory_xact_lock(" + DDL_LOCK + ")");
				st.execute("create table if not exists " + TABLE + " ("
						+ "id bigserial primary key, "
						+ "recorded_at timestamptz not null default now(), "
						+ "attempts integer not null default 0, "
						+ "payload text not null)");
				c.commit();
			}
			finally {
				c.setAutoCommit(autoCommit);
			}
		}
		catch (SQLException e) {
			throw new IllegalStateException(HubErrorCode.AUDIT_SCHEMA.code() + " could not create the audit queue table", e);
		}
	}

	/**
	 * Commits the record on a connection of its own, whatever transaction the caller is in: the
	 * record of a read or a refusal must be durable before the answer leaves the hub.
	 */
	void enqueueNow(String payload) throws SQLException {
		try (Connection c = dataSource.getConnection()) {
			if (synchronousCommit) {
				c.setAutoCommit(true);
				insert(c, payload);
				return;
			}
			c.setAutoCommit(false);
			try {
				try (Statement st = c.createStatement()) {
					st.execute("set local synchronous_commit to off");
				}
				insert(c, payload);
				c.commit();
			}
			catch (SQLException | RuntimeException e) {
				c.rollback();
				throw e;
			}
			finally {
				c.setAutoCommit(true);
			}
		}
	}

	private static void insert(Connection c, String payload) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement(INSERT)) {
			ps.setString(1, payload);
			ps.executeUpdate();
		}
	}

	/**
	 * Inserts the record in the caller's database transaction, so it commits or rolls back with the
	 * write it records.
	 *
	 * @throws IllegalStateException when no transaction is active (the write would not be covered)
	 */
	void enqueueInCurrentTransaction(String payload) {
		if (!TransactionSynchronizationManager.isActualTransactionActive()) {
			throw new IllegalStateException(HubErrorCode.AUDIT_OUTSIDE_TRANSACTION.code() + " a write was audited outside a transaction");
		}
		jdbc.update(INSERT, payload);
	}

	/** Locks up to {@code limit} rows no other drain holds; call inside a transaction. */
	List<QueuedRecord> lockBatch(int limit, int maxAttempts) {
		return jdbc.query("select id, payload from " + TABLE + " where attempts < ? order by id limit ? "
						+ "for update skip locked",
				(rs, i) -> new QueuedRecord(rs.getLong(1), rs.getString(2)), maxAttempts, limit);
	}

	void delete(List<Long> ids) {
		jdbc.update("delete from " + TABLE + " where id = any(?)", ps -> ps.setArray(1,
				ps.getConnection().createArrayOf("bigint", ids.toArray())));
	}

	/** Counts a failed attempt on its own connection, so it survives the rollback of the drain transaction. */
	int countFailedAttempt(long id) throws SQLException {
		try (Connection c = dataSource.getConnection();
				PreparedStatement ps = c.prepareStatement("update " + TABLE + " set attempts = attempts + 1 "
						+ "where id = ? returning attempts")) {
			if (!c.getAutoCommit()) {
				c.setAutoCommit(true);
			}
			ps.setLong(1, id);
			try (var rs = ps.executeQuery()) {
				return rs.next() ? rs.getInt(1) : 0;
			}
		}
	}

	long depth() {
		Long n = jdbc.queryForObject("select count(*) from " + TABLE, Long.class);
		return n == null ? 0 : n;
	}

	long stuck(int maxAttempts) {
		Long n = jdbc.queryForObject("select count(*) from " + TABLE + " where attempts >= ?", Long.class, maxAttempts);
		return n == null ? 0 : n;
	}

	record QueuedRecord(long id, String payload) {
	}
}
