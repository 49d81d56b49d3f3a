package dev.patient360.hub.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.Test;

/** The embedded default database: durable settings, data kept across restarts, orphans recovered. */
class EmbeddedPostgresServerIT {

	@Test
	void theEmbeddedDatabaseCommitsDurablyAndKeepsItsDataAcrossRestarts() throws Exception {
		Path dir = Files.createTempDirectory("embedded-pg-it");
		EmbeddedPostgresServer server = new EmbeddedPostgresServer(dir, 0);
		server.start();
		try (Connection c = connect(server); Statement st = c.createStatement()) {
			assertThat(setting(st, "fsync")).isEqualTo("on");
			assertThat(setting(st, "synchronous_commit")).isEqualTo("on");
			assertThat(setting(st, "listen_addresses")).isEqualTo("127.0.0.1");
			st.execute("create table kept(v text)");
			st.execute("insert into kept values ('still here')");
		}
		server.stop();
		server.start();
		try (Connection c = connect(server); Statement st = c.createStatement();
				ResultSet rs = st.executeQuery("select v from kept")) {
			assertThat(rs.next()).isTrue();
			assertThat(rs.getString(1)).isEqualTo("still here");
		}
		finally {
			server.close();
		}
	}

	@Test
	void aPostgresLeftRunningByAKilledHubIsStoppedAndTheNextStartSucceedsWithItsData() throws Exception {
		Path dir = Files.createTempDirectory("embedded-pg-orphan-it");
		Process hub = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-cp", System.getProperty("java.class.path"), KilledHub.class.getName(), dir.toString())
				.redirectErrorStream(true).start();
		try (BufferedReader out = new BufferedReader(new InputStreamReader(hub.getInputStream()))) {
			String line;
			while ((line = out.readLine()) != null && !line.equals(KilledHub.READY)) {
				// the child's own log lines until it has committed its row
			}
			assertThat(line).isEqualTo(KilledHub.READY);
			hub.destroyForcibly().waitFor();
		}
		assertThat(dir.resolve("postmaster.pid")).exists();

		EmbeddedPostgresServer nextHub = new EmbeddedPostgresServer(dir, 0);
		nextHub.start();
		try (Connection c = connect(nextHub); Statement st = c.createStatement();
				ResultSet rs = st.executeQuery("select v from kept")) {
			assertThat(rs.next()).isTrue();
			assertThat(rs.getString(1)).isEqualTo("committed before the kill");
		}
		finally {
			nextHub.close();
		}
	}

	/** A hub process that commits a row and then waits to be killed with SIGKILL. */
	static final class KilledHub {
		static final String READY = "committed; kill me";

		public static void main(String[] args) throws Exception {
			EmbeddedPostgresServer server = new EmbeddedPostgresServer(Path.of(args[0]), 0);
			server.start();
			try (Connection c = connect(server); Statement st = c.createStatement()) {
				st.execute("create table kept(v text)");
				st.execute("insert into kept values ('committed before the kill')");
			}
			System.out.println(READY);
			System.out.flush();
			new java.util.concurrent.CountDownLatch(1).await();
		}
	}

	private static Connection connect(EmbeddedPostgresServer server) throws SQLException {
		return DriverManager.getConnection(server.jdbcUrl(), "postgres", null);
	}

	private static String setting(Statement st, String name) throws SQLException {
		try (ResultSet rs = st.executeQuery("show " + name)) {
			rs.next();
			return rs.getString(1);
		}
	}
}
