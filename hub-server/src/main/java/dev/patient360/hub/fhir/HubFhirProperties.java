package dev.patient360.hub.fhir;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The FHIR endpoint.
 *
 * @param serverAddress the public FHIR base URL used in links and Location headers
 *     ({@code HUB_FHIR_SERVER_ADDRESS}); empty = derived from each request
 * @param defaultPageSize search results per page when the client gives no {@code _count}
 * @param maxPageSize the largest {@code _count} honoured
 * @param allowClientAssignedIds whether clients may PUT resources with ids they choose
 *     ({@code ALPHANUMERIC}, HAPI's default: ids must contain a letter so they never collide with
 *     the server's numeric ids) or not at all ({@code NOT_ALLOWED})
 */
@Validated
@ConfigurationProperties("hub.fhir")
public record HubFhirProperties(
		String serverAddress,
		@Min(1) @Max(1000) @DefaultValue("20") int defaultPageSize,
		@Min(1) @Max(5000) @DefaultValue("500") int maxPageSize,
		@DefaultValue("true") boolean allowClientAssignedIds) {
}
