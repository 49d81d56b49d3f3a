package dev.patient360.hub.audit;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The audit trail.
 *
 * @param enabled whether requests are audited ({@code HUB_AUDIT_ENABLED}); off only for measurements,
 *     never in production. Rows already queued are still drained.
 * @param drainPeriod pause between two drain passes when the queue was empty
 *     ({@code HUB_AUDIT_DRAIN_PERIOD}); a pass that found a full batch is followed at once by the next
 * @param batchSize queue rows turned into AuditEvents per database transaction ({@code HUB_AUDIT_BATCH_SIZE})
 * @param maxAttempts how often a row that cannot be stored as an AuditEvent is tried before the drain
 *     leaves it in the queue for an operator ({@code HUB_AUDIT_MAX_ATTEMPTS})
 * @param observer the {@code AuditEvent.source.observer} name of this hub ({@code HUB_AUDIT_OBSERVER});
 *     empty = {@code HUB_FHIR_SERVER_ADDRESS}, else {@code patient360-hub}
 * @param synchronousCommit whether the record of a read or refusal waits for PostgreSQL to flush it
 *     to disk before the answer is sent ({@code HUB_AUDIT_SYNCHRONOUS_COMMIT}). {@code false} saves a
 *     disk flush per read; a killed hub still loses nothing, but a crash of PostgreSQL or its
 *     machine can lose the records of the last moments (up to three {@code wal_writer_delay}s).
 *     Records of writes always commit with the write.
 */
@Validated
@ConfigurationProperties("hub.audit")
public record HubAuditProperties(
		@DefaultValue("true") boolean enabled,
		@NotNull @DefaultValue("1s") Duration drainPeriod,
		@Min(1) @Max(5000) @DefaultValue("200") int batchSize,
		@Min(1) @DefaultValue("5") int maxAttempts,
		String observer,
		@DefaultValue("true") boolean synchronousCommit) {
}
