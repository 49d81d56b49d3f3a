/**
 * The patient index (docs/patient-index.md): matching of source Patients ({@link
 * dev.patient360.hub.identity.PatientMatcher}, rules in {@code patient-index/match-rules.json}), one
 * golden Patient per person, the link table, and {@code Patient/$mdm-query-links} in HAPI MDM's
 * shape. The matcher is pure; storage and FHIR wiring sit around it, so new rules are tested
 * without a server.
 */
package dev.patient360.hub.identity;
