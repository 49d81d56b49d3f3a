package dev.patient360.routes.fhirr4;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What a patient-scoped {@code fhir-r4} instance keeps per patient: the source Patient id a hub
 * Patient's identifier was found to name (table {@code connector_patient_link}) and, per source
 * Patient and resource type, the watermark up to which every page is committed in the hub, counts
 * and the last error (table {@code connector_patient_state}). Watermarks only move forward.
 */
@Component
class PatientScopeState {

	private final JdbcClient jdbc;

	PatientScopeState(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	Optional<String> linkedSourceId(String instance, String patientKey) {
		return jdbc.sql("select source_patient_id from connector_patient_link where instance = ? and patient_key = ?")
				.params(instance, patientKey).query(String.class).optional();
	}

	void link(String instance, String patientKey, String sourcePatientId) {
		jdbc.sql("""
				insert into connector_patient_link (instance, patient_key, source_patient_id) values (?, ?, ?)
				on conflict (instance, patient_key) do update set source_patient_id = excluded.source_patient_id,
				  linked_at = now()""")
				.params(instance, patientKey, sourcePatientId).update();
	}

	Optional<Instant> watermark(String instance, String sourcePatientId, String resourceType) {
		return jdbc.sql("""
				select watermark from connector_patient_state
				where instance = ? and source_patient_id = ? and resource_type = ?""")
				.params(instance, sourcePatientId, resourceType)
				.query((rs, n) -> Optional.ofNullable(rs.getObject(1, OffsetDateTime.class)).map(OffsetDateTime::toInstant))
				.optional().flatMap(o -> o);
	}

	/** After a page of this patient is committed in the hub: counts it, moves the watermark forward (never back). */
	void pageCommitted(String instance, String sourcePatientId, String resourceType, Instant newWatermark, int resources) {
		jdbc.sql("""
				insert into connector_patient_state (instance, source_patient_id, resource_type, watermark, pages, resources)
				values (?, ?, ?, ?, 1, ?)
				on conflict (instance, source_patient_id, resource_type) do update set
				  watermark = greatest(connector_patient_state.watermark, excluded.watermark),
				  pages = connector_patient_state.pages + 1,
				  resources = connector_patient_state.resources + excluded.resources""")
				.params(instance, sourcePatientId, resourceType, ts(newWatermark), resources).update();
	}

	void succeeded(String instance, String sourcePatientId, String resourceType) {
		jdbc.sql("""
				insert into connector_patient_state (instance, source_patient_id, resource_type, last_success_at)
				values (?, ?, ?, now())
				on conflict (instance, source_patient_id, resource_type) do update set last_success_at = now()""")
				.params(instance, sourcePatientId, resourceType).update();
	}

	/** @param error a HUB code and status, no source content */
	void failed(String instance, String sourcePatientId, String resourceType, String error) {
		jdbc.sql("""
				insert into connector_patient_state (instance, source_patient_id, resource_type, last_error_at, last_error)
				values (?, ?, ?, now(), ?)
				on conflict (instance, source_patient_id, resource_type) do update set last_error_at = now(),
				  last_error = excluded.last_error""")
				.params(instance, sourcePatientId, resourceType, error).update();
	}

	private static OffsetDateTime ts(Instant i) {
		return i == null ? null : i.atOffset(ZoneOffset.UTC);
	}
}
