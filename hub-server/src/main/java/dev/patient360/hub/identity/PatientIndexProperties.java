package dev.patient360.hub.identity;

import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The patient index (docs/patient-index.md).
 *
 * @param enabled match Patients on write and keep golden records ({@code HUB_PATIENT_INDEX_ENABLED});
 *     off only for measurements — Patients written meanwhile are linked by the next batch run
 * @param rulesFile a match-rules JSON file on disk ({@code HUB_PATIENT_INDEX_RULES_FILE}); empty = the
 *     rules shipped in the hub ({@code classpath:patient-index/match-rules.json})
 * @param trustedSources source-system codes, most trusted first ({@code HUB_PATIENT_INDEX_TRUSTED_SOURCES},
 *     comma-separated): a golden field comes from the most trusted source that has it, ties and
 *     unlisted sources by most recent update
 * @param batchSize Patients linked per transaction by the batch job over existing data
 *     ({@code HUB_PATIENT_INDEX_BATCH_SIZE})
 */
@Validated
@ConfigurationProperties("hub.patient-index")
public record PatientIndexProperties(
		@DefaultValue("true") boolean enabled,
		@DefaultValue("") String rulesFile,
		@DefaultValue("") List<String> trustedSources,
		@Min(1) @Max(5000) @DefaultValue("100") int batchSize) {
}
