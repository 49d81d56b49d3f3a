package dev.patient360.routes;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the connector app reaches the hub.
 *
 * @param hubUrl the hub's FHIR base URL ({@code ROUTES_HUB_URL}), e.g.
 *     {@code http://localhost:8080/fhir}; every connector writes through it
 * @param heartbeatPeriod how often the {@code hub-heartbeat} route checks that the hub answers
 *     ({@code ROUTES_HEARTBEAT_PERIOD})
 * @param heartbeatTimeout how long one check may take before the hub counts as unreachable
 *     ({@code ROUTES_HEARTBEAT_TIMEOUT})
 */
@Validated
@ConfigurationProperties("routes")
public record RoutesProperties(
		@NotNull URI hubUrl,
		@NotNull @DurationMin(seconds = 1) @DefaultValue("60s") Duration heartbeatPeriod,
		@NotNull @DurationMin(millis = 100) @DefaultValue("10s") Duration heartbeatTimeout) {

	/**
	 * The hub's CapabilityStatement: answering it needs the FHIR server up, nothing else. The
	 * summary form is a tenth of the full one (about 1.5 MB), which matters once a minute.
	 */
	public URI metadataUrl() {
		String base = hubUrl.toString();
		return URI.create((base.endsWith("/") ? base : base + "/") + "metadata?_summary=true");
	}
}
