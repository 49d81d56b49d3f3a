package dev.patient360.hub.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL 15, started from the binaries on the classpath, whose data directory survives
 * restarts. This is the zero-setup default; production points {@code HUB_DB_URL} at a managed
 * server instead.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
	static final String DATABASE = "hub";

	private final Path dataDir;
	private int port;
	private EmbeddedPostgres postgres;

	EmbeddedPostgresServer(Path dataDir, int port) {
		this.dataDir = dataDir;
		this.port = port;
	}

	/** Starts the server (again, on the same port if it ran before) and creates the hub database. */
	public synchronized void start() {
		try {
			Files.createDirectories(dataDir);
			EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
					.setDataDirectory(dataDir)
					.setCleanDataDirectory(false)
					// Loopback only: the embedded database is never reachable from outside.
					.setServerConfig("listen_addresses", "127.0.0.1")
					// Sized for one write-heavy application instead of PostgreSQL's tiny defaults.
					.setServerConfig("shared_buffers", "256MB")
					.setServerConfig("max_connections", "100")
					.setServerConfig("wal_buffers", "16MB")
					.setServerConfig("max_wal_size", "2GB")
					.setServerConfig("checkpoint_timeout", "15min");
			if (port > 0) {
				builder.setPort(port);
			}
			postgres = builder.start();
			port = postgres.getPort();
			ensureDatabase();
			log.info("Embedded PostgreSQL running on 127.0.0.1:{} with data in {}", port, dataDir);
		}
		catch (IOException e) {
			throw new UncheckedIOException("HUB-0101 could not start the embedded PostgreSQL in " + dataDir, e);
		}
	}

	/** Stops the server; its data stays on disk. */
	public synchronized void stop() throws IOException {
		if (postgres != null) {
			postgres.close();
			postgres = null;
		}
	}

	private void ensureDatabase() throws IOException {
		try (var c = postgres.getPostgresDatabase().getConnection(); var st = c.createStatement()) {
			try (var rs = st.executeQuery("select 1 from pg_database where datname = '" + DATABASE + "'")) {
				if (!rs.next()) {
					st.execute("create database " + DATABASE);
				}
			}
		}
		catch (SQLException e) {
			throw new IOException("HUB-0102 could not create the hub database", e);
		}
	}

	String jdbcUrl() {
		return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
	}

	@Override
	public void close() throws IOException {
		stop();
	}
}
