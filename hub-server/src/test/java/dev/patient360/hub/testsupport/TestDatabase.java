package dev.patient360.hub.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The PostgreSQL the integration tests run on: the server named by {@code HUB_TEST_DB_URL} (CI points
 * it at the machine's PostgreSQL) or, when unset, an embedded PostgreSQL started here. Either way
 * each test JVM gets a database of its own, created fresh, so runs never see each other's data.
 */
public final class TestDatabase {

	public static final String ENV = "HUB_TEST_DB_URL";
	private static TestDatabase instance;

	private final String jdbcUrl;
	private final String user;

	private TestDatabase(String jdbcUrl, String user) {
		this.jdbcUrl = jdbcUrl;
		this.user = user;
	}

	/** The JVM's test database, created on first use. */
	public static synchronized TestDatabase get() {
		if (instance == null) {
			String external = System.getenv(ENV);
			instance = external == null || external.isBlank() ? embedded() : onServer(external);
		}
		return instance;
	}

	public String jdbcUrl() {
		return jdbcUrl;
	}

	public String user() {
		return user;
	}

	private static TestDatabase onServer(String adminUrl) {
		String name = "hub_it_" + ProcessHandle.current().pid() + "_" + System.currentTimeMillis();
		try (Connection c = DriverManager.getConnection(adminUrl); Statement st = c.createStatement()) {
			st.execute("create database " + name);
			String user = c.getMetaData().getUserName();
			return new TestDatabase(replaceDatabase(adminUrl, name), user);
		}
		catch (SQLException e) {
			throw new IllegalStateException("cannot create a test database on " + ENV, e);
		}
	}

	/**
	 * Another fresh database on the same server, for a test that runs a hub of its own (a child
	 * process) and must not share the shared context's data.
	 */
	public TestDatabase another(String purpose) {
		String name = purpose + "_" + ProcessHandle.current().pid() + "_" + System.nanoTime();
		try (Connection c = DriverManager.getConnection(jdbcUrl, user, null); Statement st = c.createStatement()) {
			st.execute("create database " + name);
			return new TestDatabase(replaceDatabase(jdbcUrl, name), user);
		}
		catch (SQLException e) {
			throw new IllegalStateException("cannot create the test database " + name, e);
		}
	}

	/** jdbc:postgresql://host:port/db?params with another db, keeping host, port and params. */
	static String replaceDatabase(String jdbcUrl, String database) {
		URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
		String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
		return "jdbc:" + uri.getScheme() + "://" + uri.getRawAuthority() + "/" + database + query;
	}

	private static TestDatabase embedded() {
		try {
			EmbeddedPostgres pg = EmbeddedPostgres.builder()
					.setServerConfig("listen_addresses", "127.0.0.1")
					.setServerConfig("shared_buffers", "256MB")
					.start();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				try {
					pg.close();
				}
				catch (IOException e) {
					throw new UncheckedIOException(e);
				}
			}));
			try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
				st.execute("create database hub_it");
			}
			return new TestDatabase("jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/hub_it", "postgres");
		}
		catch (IOException | SQLException e) {
			throw new IllegalStateException("cannot start the embedded test PostgreSQL", e);
		}
	}
}
