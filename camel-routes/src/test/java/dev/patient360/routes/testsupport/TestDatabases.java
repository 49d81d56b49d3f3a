package dev.patient360.routes.testsupport;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Fresh databases on the PostgreSQL of {@code HUB_TEST_DB_URL} (one per call); without it, a null
 * URL, meaning "use the embedded PostgreSQL".
 */
public final class TestDatabases {

	public record Db(String url, String user) {
	}

	private static final List<String> CREATED = new ArrayList<>();

	private TestDatabases() {
	}

	public static Db fresh(String prefix) {
		String server = System.getenv("HUB_TEST_DB_URL");
		if (server == null || server.isBlank()) {
			return new Db(null, null);
		}
		String name = prefix + "_" + ProcessHandle.current().pid() + "_" + System.nanoTime();
		try (var c = DriverManager.getConnection(server); var st = c.createStatement()) {
			st.execute("create database " + name);
			dropAtExit(server, name);
		}
		catch (SQLException e) {
			throw new IllegalStateException("could not create test database " + name, e);
		}
		int q = server.indexOf('?');
		String base = q < 0 ? server : server.substring(0, q);
		return new Db(base.substring(0, base.lastIndexOf('/') + 1) + name, "postgres");
	}

	/**
	 * The database of a routes app started by a Spring test: a fresh one on {@code HUB_TEST_DB_URL}'s
	 * server, or else an embedded PostgreSQL in {@code target/<prefix>-db-<n>}.
	 *
	 * @param prefix letters, digits and underscores (it begins the database name)
	 */
	public static void registerRoutesDb(DynamicPropertyRegistry registry, String prefix) {
		Db db = fresh(prefix);
		if (db.url() != null) {
			registry.add("routes.db.url", db::url);
			registry.add("routes.db.user", db::user);
		}
		else {
			String dataDir = "target/" + prefix + "-db-" + System.nanoTime();
			registry.add("routes.db.data-dir", () -> dataDir);
		}
	}

	/** Like hub-server's TestDatabase: dropped when the JVM ends unless {@code HUB_TEST_DB_KEEP=true}. */
	private static synchronized void dropAtExit(String server, String name) {
		if (Boolean.parseBoolean(System.getenv("HUB_TEST_DB_KEEP"))) {
			return;
		}
		if (CREATED.isEmpty()) {
			Runtime.getRuntime().addShutdownHook(new Thread(() -> dropAll(server), "test-db-drop"));
		}
		CREATED.add(name);
	}

	private static void dropAll(String server) {
		List<String> names;
		synchronized (TestDatabases.class) {
			names = List.copyOf(CREATED);
		}
		try (var c = DriverManager.getConnection(server); var st = c.createStatement()) {
			for (String name : names) {
				st.execute("drop database if exists " + name + " with (force)");
			}
		}
		catch (SQLException e) {
			// Best effort at JVM exit; a leftover database is harmless.
		}
	}
}
