/**
 * Build-time tools run by Maven, not used at run time: {@link dev.patient360.profiles.build.PackageBuilder}
 * (the FHIR package with snapshots) and {@link dev.patient360.profiles.build.ProfilesDoc} (the generated
 * part of docs/profiles.md).
 */
package dev.patient360.profiles.build;
