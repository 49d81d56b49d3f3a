package dev.patient360.hub.db;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * The hub's one connection pool: to {@code HUB_DB_URL} when set, otherwise to an embedded
 * PostgreSQL under {@code HUB_DATA_DIR}.
 */
@Configuration(proxyBeanMethods = false)
class DatabaseConfig {

	@Bean(initMethod = "start", destroyMethod = "close")
	@ConditionalOnExpression("'${hub.db.url:}'.isBlank()")
	EmbeddedPostgresServer embeddedPostgres(HubDatabaseProperties props) {
		return new EmbeddedPostgresServer(props.dataDir().resolve("postgres"), props.embeddedPort());
	}

	@Bean(destroyMethod = "close")
	@Primary
	DataSource dataSource(HubDatabaseProperties props, ObjectProvider<EmbeddedPostgresServer> embedded) {
		HikariConfig config = new HikariConfig();
		EmbeddedPostgresServer server = embedded.getIfAvailable();
		if (server != null) {
			config.setJdbcUrl(server.jdbcUrl());
			config.setUsername("postgres");
		}
		else {
			config.setJdbcUrl(props.url());
			config.setUsername(props.user());
			config.setPassword(props.password());
		}
		config.setPoolName("hub");
		config.setMaximumPoolSize(props.poolSize());
		// Fail fast while the database is down: the request gets a 503 instead of hanging 30 s.
		config.setConnectionTimeout(props.connectionTimeout().toMillis());
		// Start (and answer 503) even if the database is not reachable yet; the pool retries.
		config.setInitializationFailTimeout(-1);
		// Lets Hibernate's JDBC batches become multi-row INSERTs: the biggest single win for ingestion.
		config.addDataSourceProperty("reWriteBatchedInserts", "true");
		config.addDataSourceProperty("ApplicationName", "patient360-hub");
		return new HikariDataSource(config);
	}

	/** Migrated before HAPI's entity manager factory exists, which depends on this bean. */
	@Bean
	SchemaMigration schemaMigration(DataSource dataSource) {
		SchemaMigration migration = new SchemaMigration(dataSource);
		migration.migrate();
		return migration;
	}
}
