package dev.patient360.hub.db;

import java.nio.file.Path;
import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where the hub keeps its data.
 *
 * @param url JDBC URL of an external PostgreSQL ({@code HUB_DB_URL}); when empty, an embedded
 *     PostgreSQL is started with its data under {@code dataDir}
 * @param user database user ({@code HUB_DB_USER})
 * @param password database password ({@code HUB_DB_PASSWORD}); only ever from the environment
 * @param dataDir directory of the embedded PostgreSQL's data ({@code HUB_DATA_DIR}/postgres); it
 *     survives restarts
 * @param embeddedPort port of the embedded PostgreSQL on 127.0.0.1 ({@code HUB_DB_EMBEDDED_PORT});
 *     0 picks a free one
 * @param poolSize maximum JDBC connections ({@code HUB_DB_POOL_SIZE})
 * @param connectionTimeout how long a request waits for a connection before the hub answers 503
 *     ({@code HUB_DB_CONNECTION_TIMEOUT})
 */
@Validated
@ConfigurationProperties("hub.db")
public record HubDatabaseProperties(
		String url,
		String user,
		String password,
		@NotNull Path dataDir,
		@Min(0) @DefaultValue("0") int embeddedPort,
		@Min(2) @DefaultValue("20") int poolSize,
		@NotNull @DefaultValue("5s") Duration connectionTimeout) {

	boolean isEmbedded() {
		return url == null || url.isBlank();
	}
}
