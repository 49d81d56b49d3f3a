package dev.patient360.hub.audit;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one audit record says, gathered from a request before anything is encoded. Kept apart from
 * the AuditEvent so the building is a pure function that unit tests pin down with golden files.
 *
 * @param recorded      when the hub recorded the event
 * @param interaction   the FHIR restful interaction ({@code read}, {@code search-type}, {@code create}, …)
 * @param operationName the operation's name for {@code operation} ({@code $everything}), else null
 * @param status        the HTTP status answered (0 when not known yet: a write recorded inside its transaction)
 * @param errorCode     the {@code HUB-nnnn}/{@code HAPI-nnnn} code of a failure, else null
 * @param caller        who called: client, user, kind
 * @param sourceAddress the caller's network address
 * @param requestId     the request id (the client's {@code X-Request-ID} when it sent one)
 * @param patients      logical ids of the patients the request concerned
 * @param resources     references ({@code Type/id/_history/v} or {@code Type/id}) the request read or wrote
 * @param query         for searches, the query string as sent, else null
 * @param logicalReferences whether the patients and resources are named by identifier rather than by
 *     literal reference: for targets that may not exist (failures, deletions), which the FHIR store
 *     would refuse as dangling references
 */
record AuditFacts(
		Instant recorded,
		String interaction,
		String operationName,
		int status,
		String errorCode,
		Caller caller,
		String sourceAddress,
		String requestId,
		List<String> patients,
		List<String> resources,
		String query,
		boolean logicalReferences) {

	AuditFacts {
		Objects.requireNonNull(recorded);
		Objects.requireNonNull(interaction);
		Objects.requireNonNull(caller);
		patients = List.copyOf(patients);
		resources = List.copyOf(resources);
	}

	/** 0 success, 4 minor failure (refused, not found, invalid: any 4xx), 8 serious failure (5xx). */
	int outcome() {
		if (status >= 500) {
			return 8;
		}
		return status >= 400 ? 4 : 0;
	}

	/**
	 * The calling party as the audit trail names it.
	 *
	 * @param clientId the OAuth client ({@code azp}); null when the caller presented no valid token
	 * @param subject  the token's {@code sub}; null when none
	 * @param kind     {@code TOKEN}, {@code SECURITY_DISABLED} or {@code UNAUTHENTICATED}
	 */
	record Caller(String clientId, String subject, String kind) {

		static final String UNAUTHENTICATED = "UNAUTHENTICATED";

		static Caller unauthenticated() {
			return new Caller(null, null, UNAUTHENTICATED);
		}
	}
}
