package dev.patient360.routes.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL 15 from the binaries on the classpath, data kept under {@code ROUTES_DATA_DIR}.
 *
 * <p>A deliberate, smaller duplicate of hub-server's {@code db.EmbeddedPostgresServer}: sharing it
 * would need a new module for about 80 lines, and the connector app needs less (no tuning for a
 * write-heavy HAPI schema).
 */
final class EmbeddedRoutesPostgres implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(EmbeddedRoutesPostgres.class);
	static final String DATABASE = "routes";

	private final Path dataDir;
	private EmbeddedPostgres postgres;

	EmbeddedRoutesPostgres(Path dataDir) {
		this.dataDir = dataDir;
	}

	void start() {
		try {
			Files.createDirectories(dataDir);
			stopOrphan();
			postgres = EmbeddedPostgres.builder()
					.setDataDirectory(dataDir)
					.setCleanDataDirectory(false)
					.setServerConfig("listen_addresses", "127.0.0.1")
					// An AA is sent once the inbox row is committed: that commit must be durable.
					.setServerConfig("fsync", "on")
					.setServerConfig("synchronous_commit", "on")
					.setServerConfig("full_page_writes", "on")
					// Failing statements would be logged with their parameters: message content.
					.setServerConfig("log_min_error_statement", "panic")
					.start();
			try (var c = postgres.getPostgresDatabase().getConnection(); var st = c.createStatement();
					var rs = st.executeQuery("select 1 from pg_database where datname = '" + DATABASE + "'")) {
				if (!rs.next()) {
					st.execute("create database " + DATABASE);
				}
			}
			log.info("Embedded PostgreSQL for the connector app on 127.0.0.1:{}, data in {}", postgres.getPort(), dataDir);
		}
		catch (IOException | SQLException e) {
			throw new IllegalStateException("HUB-4001 could not start the embedded PostgreSQL in " + dataDir, e);
		}
	}

	/**
	 * A connector killed with SIGKILL leaves its PostgreSQL running on the data directory; it is
	 * stopped (smart shutdown: nothing committed is lost) so this start can take the directory over.
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
					log.warn("Stopping the embedded PostgreSQL (pid {}) left running by a previous connector app", orphan.pid());
					orphan.destroy();
					orphan.onExit().orTimeout(60, java.util.concurrent.TimeUnit.SECONDS).join();
				});
	}

	String jdbcUrl() {
		return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + DATABASE;
	}

	@Override
	public void close() {
		try {
			if (postgres != null) {
				postgres.close();
				postgres = null;
			}
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}
}
