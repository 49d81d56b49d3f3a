package dev.patient360.hub.audit;

import java.util.List;

import javax.sql.DataSource;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.model.DeleteConflict;
import ca.uhn.fhir.jpa.api.model.DeleteConflictList;
import ca.uhn.fhir.jpa.delete.DeleteConflictOutcome;
import ca.uhn.fhir.model.primitive.IdDt;

import dev.patient360.hub.fhir.HubInterceptor;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Records <em>about</em> a resource — AuditEvents, and Provenances by their {@code target} (the
 * patient index's link history, a connector's "where did this come from") — name it and must never
 * stop it from being deleted. {@code JpaStorageSettings#setEnforceReferentialIntegrityOnDeleteDisableForPaths} does not
 * do that in HAPI 8.8: only {@code $delete-expunge} reads it, while a plain DELETE answers 409 for
 * any AuditEvent naming the resource. So these conflicts are dropped before HAPI decides; their
 * references stay indexed, and {@code AuditEvent?entity=} or {@code Provenance?target=} still find
 * them after the delete.
 * <p>
 * HAPI's first conflict query fetches a single reference; when that one was such a record's, the
 * references of every other resource are looked up here, so an Encounter still blocks the delete.
 */
@Interceptor
class RecordsAboutResourcesNeverBlockDeletes implements HubInterceptor {

	private static final int MAX_REPORTED = 20;
	private static final String PROVENANCE = "Provenance";

	private final JdbcTemplate jdbc;

	RecordsAboutResourcesNeverBlockDeletes(DataSource dataSource) {
		this.jdbc = new JdbcTemplate(dataSource);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_DELETE_CONFLICTS)
	DeleteConflictOutcome withoutAuditConflicts(DeleteConflictList conflicts) {
		List<IdDt> targets = new java.util.ArrayList<>();
		for (DeleteConflict c : conflicts) {
			if (isRecordAbout(c)) {
				targets.add(c.getTargetId());
			}
		}
		if (targets.isEmpty()) {
			return null;
		}
		conflicts.removeIf(RecordsAboutResourcesNeverBlockDeletes::isRecordAbout);
		// Every other referrer, also a Provenance naming it elsewhere than in target (e.g. as agent).
		for (IdDt target : targets.stream().distinct().toList()) {
			jdbc.query("select s.res_type, s.fhir_id, l.src_path from hfj_res_link l "
					+ "join hfj_resource t on t.res_id = l.target_resource_id "
					+ "join hfj_resource s on s.res_id = l.src_resource_id "
					+ "where t.res_type = ? and t.fhir_id = ? and l.source_resource_type <> ? "
					+ "and not (l.source_resource_type = ? and (l.src_path like ? or l.src_path like ?)) "
					+ "and l.target_resource_version is null limit " + MAX_REPORTED,
					rs -> {
						conflicts.add(new DeleteConflict(new IdDt(rs.getString(1), rs.getString(2)), rs.getString(3), target));
					},
					target.getResourceType(), target.getIdPart(), AuditEventsOutsideEverything.AUDIT_EVENT, PROVENANCE,
					PROVENANCE + ".target%", PROVENANCE + ".entity%");
		}
		return null;
	}

	private static boolean isRecordAbout(DeleteConflict conflict) {
		String type = conflict.getSourceId().getResourceType();
		return AuditEventsOutsideEverything.AUDIT_EVENT.equals(type)
				|| (PROVENANCE.equals(type) && conflict.getSourcePath() != null
						&& (conflict.getSourcePath().startsWith(PROVENANCE + ".target")
								|| conflict.getSourcePath().startsWith(PROVENANCE + ".entity")));
	}
}
