package dev.patient360.routes.common;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The connector app's connection pool: {@code ROUTES_DB_URL} when set, else embedded PostgreSQL.
 * The schema is created (idempotently) before any route starts, since routes depend on the pool;
 * while the database is down it is created in the background as soon as the database answers.
 */
@Configuration(proxyBeanMethods = false)
class RoutesDatabaseConfig {

	@Bean(initMethod = "start", destroyMethod = "close")
	@ConditionalOnExpression("'${routes.db.url:}'.isBlank()")
	EmbeddedRoutesPostgres embeddedRoutesPostgres(RoutesDatabaseProperties props) {
		return new EmbeddedRoutesPostgres(props.dataDir().resolve("postgres"));
	}

	@Bean(destroyMethod = "close")
	DataSource dataSource(RoutesDatabaseProperties props, ObjectProvider<EmbeddedRoutesPostgres> embedded) {
		HikariConfig config = new HikariConfig();
		EmbeddedRoutesPostgres server = embedded.getIfAvailable();
		if (server != null) {
			config.setJdbcUrl(server.jdbcUrl());
			config.setUsername("postgres");
		}
		else {
			config.setJdbcUrl(props.url());
			config.setUsername(props.user());
			config.setPassword(props.password());
		}
		config.setPoolName("routes");
		config.setMaximumPoolSize(props.poolSize());
		config.setConnectionTimeout(props.connectionTimeout().toMillis());
		// Start even while the database is down: the listener answers AE until it is back.
		config.setInitializationFailTimeout(-1);
		config.addDataSourceProperty("ApplicationName", "patient360-camel-routes");
		return new HikariDataSource(config);
	}

	@Bean(destroyMethod = "close")
	RoutesSchema routesSchema(DataSource dataSource) {
		RoutesSchema schema = new RoutesSchema(JdbcClient.create(dataSource));
		schema.createOrRetry();
		return schema;
	}

	@Bean
	JdbcClient jdbcClient(DataSource dataSource, RoutesSchema schemaFirst) {
		return JdbcClient.create(dataSource);
	}
}
