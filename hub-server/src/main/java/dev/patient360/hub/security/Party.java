package dev.patient360.hub.security;

import java.util.Locale;
import java.util.Optional;

/**
 * The kinds of party the hub serves. A token names its parties as Keycloak realm roles (the role
 * name is {@link #role()}); docs/security.md says what each may do.
 */
public enum Party {
	/** An EHR vendor or connector that pushes data from one source system. */
	EHR_SOURCE,
	/** A clinic that reads patients who consented to disclosure to its Organization. */
	PARTNER_CLINIC,
	/** An insurer that reads administrative and financial data of the patients it covers. */
	INSURER,
	/** A patient reading their own compartment. */
	PATIENT,
	/** Runs connectors: status, dead letters, MDM review; no bulk clinical reads unless granted. */
	INTEGRATION_ENGINEER,
	/** Operates the hub. */
	ADMIN,
	/** Reads the AuditEvent trail (nobody else can). */
	AUDITOR,
	/**
	 * Delivers engagement communications (camel-routes channel routes): reads CommunicationRequests and
	 * Patients, completes the requests and records Communications; nothing else.
	 */
	OUTREACH;

	/** The Keycloak realm role that grants this party, e.g. {@code partner-clinic}. */
	public String role() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	public static Optional<Party> fromRole(String role) {
		for (Party party : values()) {
			if (party.role().equals(role)) {
				return Optional.of(party);
			}
		}
		return Optional.empty();
	}
}
