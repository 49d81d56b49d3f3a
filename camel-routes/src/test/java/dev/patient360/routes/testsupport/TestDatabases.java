package dev.patient360.routes.testsupport;

import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * Fresh databases on the PostgreSQL of {@code HUB_TEST_DB_URL} (one per call); without it, a null
 * URL, meaning "use the embedded PostgreSQL".
 */
public final class TestDatabases {

	public record Db(String url, String user) {
	}

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
		}
		catch (SQLException e) {
			throw new IllegalStateException("could not create test database " + name, e);
		}
		int q = server.indexOf('?');
		String base = q < 0 ? server : server.substring(0, q);
		return new Db(base.substring(0, base.lastIndexOf('/') + 1) + name, "postgres");
	}
}
