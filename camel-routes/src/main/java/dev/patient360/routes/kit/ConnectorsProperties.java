package dev.patient360.routes.kit;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Pull-connector instances, one entry per source (usually from the file {@code ROUTES_CONNECTORS_FILE}).
 *
 * @param instances the configured sources; empty = no pull connector runs
 * @param metricsPeriod how often the {@code connector_*} metrics are read again from the connector state
 */
@Validated
@ConfigurationProperties("routes.connectors")
public record ConnectorsProperties(@Valid @DefaultValue List<Instance> instances,
		@NotNull @DefaultValue("15s") Duration metricsPeriod) {

	/**
	 * One source.
	 *
	 * @param id stable instance id: route id, watermark key, {@code source-record.connector}
	 * @param type connector type, e.g. {@code fhir-r4}
	 * @param baseUrl the source's API base URL
	 * @param auth how to get a token from the source; absent = none
	 * @param schedule time between two pulls
	 * @param resourceTypes what to pull, in this order (referenced types first, e.g. Patient before Encounter)
	 * @param sourceSystem the source-system code stamped on every resource; must equal the
	 *     {@code source_system} claim of the hub client when security is on
	 * @param skew how far back before the watermark each pull starts (clock skew, late commits at the source)
	 * @param options type-specific settings (see the type's doc page)
	 */
	public record Instance(
			@NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9-]*") String id,
			@NotBlank String type,
			@NotNull URI baseUrl,
			@Valid Auth auth,
			@NotNull @DefaultValue("5m") Duration schedule,
			@NotEmpty List<String> resourceTypes,
			@NotBlank String sourceSystem,
			@NotNull @DefaultValue("2m") Duration skew,
			@DefaultValue Map<String, String> options) {
	}

	/**
	 * SMART backend services (client_credentials with a {@code private_key_jwt} assertion, RS384).
	 *
	 * @param tokenUrl the source's token endpoint
	 * @param clientId the client id registered at the source (assertion iss and sub)
	 * @param privateKey PEM file (PKCS#8) of the registered key pair's private key
	 * @param keyId {@code kid} of the key in the JWKS registered at the source; may be blank
	 * @param scope requested scopes, e.g. {@code system/Patient.rs system/Encounter.rs}
	 * @param refreshBefore a token is renewed this long before it expires
	 */
	public record Auth(
			@NotNull URI tokenUrl,
			@NotBlank String clientId,
			@NotNull Path privateKey,
			String keyId,
			String scope,
			@NotNull @DefaultValue("30s") Duration refreshBefore) {
	}
}
