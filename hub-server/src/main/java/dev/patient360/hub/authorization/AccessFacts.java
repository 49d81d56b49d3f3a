package dev.patient360.hub.authorization;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.hl7.fhir.r4.model.Consent;

/**
 * What the access decisions of one request need to know from the stored data. Implementations
 * answer from the hub's storage and remember the answers for the rest of the request only, so a
 * withdrawn Consent or an ended Coverage takes effect on the next request.
 */
interface AccessFacts {

	/** The moment the request is decided at. */
	Instant now();

	/** The Consent resources about the patient (any status; {@link ConsentRules} filters). */
	List<Consent> consentsOf(String patientId);

	/** Logical ids of the patients with an active Coverage whose payor is the organization. */
	Set<String> patientsCoveredBy(String organizationId);

	/** Logical ids of the patients with an active disclosure Consent naming the organization as recipient. */
	Set<String> patientsConsentingTo(String organizationId);

	/**
	 * Logical ids of the patients in the organization's care: an Encounter (not cancelled or
	 * entered in error) with the organization as {@code serviceProvider}, or an active CareTeam with
	 * the organization as participant.
	 */
	Set<String> patientsInCareOf(String organizationId);
}
