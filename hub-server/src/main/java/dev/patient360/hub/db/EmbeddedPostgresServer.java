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
	private Thread shutdownHook;

	EmbeddedPostgresServer(Path dataDir, int port) {
		this.dataDir = dataDir;
		this.port = port;
	}

	/** Starts the server (again, on the same port if it ran before) and creates the hub database. */
	public synchronized void start() {
		try {
			Files.createDirectories(dataDir);
			stopOrphan();
			EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
					.setDataDirectory(dataDir)
					.setCleanDataDirectory(false)
					// Loopback only: the embedded database is never reachable from outside.
					.setServerConfig("listen_addresses", "127.0.0.1")
					// The library's defaults are for throwaway test databases (fsync and synchronous
					// commit off). The hub acknowledges writes only when they are durable.
					.setServerConfig("fsync", "on")
					.setServerConfig("synchronous_commit", "on")
					.setServerConfig("full_page_writes", "on")
					// Failing statements would be logged with their text, which can carry patient data.
					.setServerConfig("log_min_error_statement", "panic")
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
			if (shutdownHook == null) {
				// A hub stopped while still starting never reaches its context's destroy callbacks;
				// this hook still stops the database so it does not outlive the JVM.
				shutdownHook = new Thread(this::stopQuietly, "embedded-postgres-shutdown");
				Runtime.getRuntime().addShutdownHook(shutdownHook);
			}
			ensureDatabase();
			log.info("Embedded PostgreSQL running on 127.0.0.1:{} with data in {}", port, dataDir);
		}
		catch (IOException e) {
			throw new UncheckedIOException("HUB-0101 could not start the embedded PostgreSQL in " + dataDir, e);
		}
	}

	private void stopQuietly() {
		try {
			stop();
		}
		catch (IOException e) {
			log.warn("Embedded PostgreSQL did not stop cleanly: {}", e.toString());
		}
	}

	/** Stops the server; its data stays on disk. */
	public synchronized void stop() throws IOException {
		if (postgres != null) {
			postgres.close();
			postgres = null;
		}
	}

	/**
	 * A hub killed with SIGKILL leaves its PostgreSQL running and holding the data directory; the
	 * next start would fail on the lock. Such an orphan is stopped (PostgreSQL's smart shutdown, so
	 * nothing committed is lost) before starting again.
	 */
	private void stopOrphan() throws IOException {
		Path pidFile = dataDir.resolve("postmaster.pid");
		if (!Files.exists(pidFile)) {
			return;
		}
		String firstLine = Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
		if (!firstLine.matches("\\d+")) {
			return;
		}
		ProcessHandle.of(Long.parseLong(firstLine))
				.filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
				.ifPresent(orphan -> {
					log.warn("Stopping the embedded PostgreSQL (pid {}) left running by a previous hub", orphan.pid());
					orphan.destroy();
					orphan.onExit().orTimeout(60, java.util.concurrent.TimeUnit.SECONDS).join();
				});
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
