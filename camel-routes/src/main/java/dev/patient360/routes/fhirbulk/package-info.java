/**
 * Connector type {@code fhir-bulk}: FHIR Bulk Data {@code $export} (kick-off, status polling,
 * streaming NDJSON ingestion in batches, resume after a crash from the last completed file), with
 * SMART backend services (docs/connectors/fhir-bulk.md). Mapping reuses {@code fhirr4}'s pure
 * {@link dev.patient360.routes.fhirr4.FhirR4PageMapper}.
 */
package dev.patient360.routes.fhirbulk;
