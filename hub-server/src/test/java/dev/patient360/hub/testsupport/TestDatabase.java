package dev.patient360.hub.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The PostgreSQL the integration tests run on: the server named by {@code HUB_TEST_DB_URL} (CI points
 * it at the machine's PostgreSQL) or, when unset, an embedded PostgreSQL started here. Either way
 * each test JVM gets databases of its own, created fresh, so runs never see each other's data.
 * Each Spring context of a test JVM gets its own database ({@link #get(String)}), so the records
 * one base class writes never show up in the searches of another.
 */
public final class TestDatabase {

	public static final String ENV = "HUB_TEST_DB_URL";
	private static final Map<String, TestDatabase> DATABASES = new HashMap<>();
	/** Set to {@code true} to keep the test databases after the JVM ends, e.g. to look into a failure. */
	public static final String KEEP_ENV = "HUB_TEST_DB_KEEP";
	private static final List<String> CREATED = new ArrayList<>();
	private static String adminUrl;

	private final String jdbcUrl;
	private final String user;

	private TestDatabase(String jdbcUrl, String user) {
		this.jdbcUrl = jdbcUrl;
		this.user = user;
	}

	/** The JVM's default test database, created on first use. */
	public static TestDatabase get() {
		return get("default");
	}

	/** A test database of this JVM for one purpose (one per Spring context), created on first use. */
	public static synchronized TestDatabase get(String purpose) {
		return DATABASES.computeIfAbsent(purpose, TestDatabase::create);
	}

	public String jdbcUrl() {
		return jdbcUrl;
	}

	public String user() {
		return user;
	}

	private static TestDatabase create(String purpose) {
		if (adminUrl == null) {
			String external = System.getenv(ENV);
			adminUrl = external == null || external.isBlank() ? startEmbedded() : external;
		}
		String name = "hub_it_" + ProcessHandle.current().pid() + "_" + System.currentTimeMillis() + "_"
				+ purpose.replaceAll("[^a-z0-9]", "_");
		try (Connection c = DriverManager.getConnection(adminUrl); Statement st = c.createStatement()) {
			st.execute("create database " + name);
			dropAtExit(name);
			String user = c.getMetaData().getUserName();
			return new TestDatabase(replaceDatabase(adminUrl, name), user);
		}
		catch (SQLException e) {
			throw new IllegalStateException("cannot create a test database on " + ENV, e);
		}
	}

	/**
	 * Without this, every run leaves its databases on the shared server (hundreds after a day of
	 * builds). FORCE ends the connections pools and child processes may still hold at that moment.
	 */
	private static void dropAtExit(String name) {
		if (Boolean.parseBoolean(System.getenv(KEEP_ENV))) {
			return;
		}
		if (CREATED.isEmpty()) {
			String admin = adminUrl;
			Runtime.getRuntime().addShutdownHook(new Thread(() -> dropAll(admin), "test-db-drop"));
		}
		CREATED.add(name);
	}

	private static void dropAll(String admin) {
		List<String> names;
		synchronized (TestDatabase.class) {
			names = List.copyOf(CREATED);
		}
		try (Connection c = DriverManager.getConnection(admin); Statement st = c.createStatement()) {
			for (String name : names) {
				st.execute("drop database if exists " + name + " with (force)");
			}
		}
		catch (SQLException e) {
			// The embedded server may already be stopping; its data directory goes with it.
		}
	}

	/** jdbc:postgresql://host:port/db?params with another db, keeping host, port and params. */
	static String replaceDatabase(String jdbcUrl, String database) {
		URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
		String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
		return "jdbc:" + uri.getScheme() + "://" + uri.getRawAuthority() + "/" + database + query;
	}

	/** Starts the embedded PostgreSQL (stopped with the JVM) and returns its admin URL. */
	private static String startEmbedded() {
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
			return "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres?user=postgres";
		}
		catch (IOException e) {
			throw new IllegalStateException("cannot start the embedded test PostgreSQL", e);
		}
	}
}
