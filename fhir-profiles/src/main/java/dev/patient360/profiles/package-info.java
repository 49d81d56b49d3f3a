/**
 * The engagement implementation guide (FHIR package {@code patient360.engagement}) for Java code:
 * {@link dev.patient360.profiles.Canonicals} (every canonical URL, search parameter code and
 * identifier system), {@link dev.patient360.profiles.Codes} and
 * {@link dev.patient360.profiles.ConsentCodes} (code lists), typed get/set helpers per extension
 * ({@link dev.patient360.profiles.PatientEngagement}, {@link dev.patient360.profiles.SourceRecord},
 * {@link dev.patient360.profiles.CommunicationTracking}), the built package
 * ({@link dev.patient360.profiles.EngagementPackage}) and its offline validator
 * ({@link dev.patient360.profiles.EngagementValidation}). A new extension gets its URL constant and a
 * typed helper here, so no other module writes extension URLs as strings.
 */
package dev.patient360.profiles;
