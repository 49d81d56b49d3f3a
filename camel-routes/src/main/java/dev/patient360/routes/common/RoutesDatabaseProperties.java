package dev.patient360.routes.common;

import java.nio.file.Path;
import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The connector app's own database: inboxes, dead letters, watermarks. Never the hub's.
 *
 * @param url JDBC URL ({@code ROUTES_DB_URL}); blank = embedded PostgreSQL under {@code dataDir}
 * @param user user ({@code ROUTES_DB_USER})
 * @param password password ({@code ROUTES_DB_PASSWORD})
 * @param dataDir where the embedded PostgreSQL keeps its data ({@code ROUTES_DATA_DIR})
 * @param poolSize connection pool size ({@code ROUTES_DB_POOL_SIZE})
 * @param connectionTimeout how long to wait for a connection before failing; an MLLP sender then
 *     gets an AE instead of a hanging socket ({@code ROUTES_DB_CONNECTION_TIMEOUT})
 */
@Validated
@ConfigurationProperties("routes.db")
public record RoutesDatabaseProperties(
		String url,
		String user,
		String password,
		@NotNull @DefaultValue("./data/routes") Path dataDir,
		@Min(2) @DefaultValue("10") int poolSize,
		@NotNull @DefaultValue("3s") Duration connectionTimeout) {
}
