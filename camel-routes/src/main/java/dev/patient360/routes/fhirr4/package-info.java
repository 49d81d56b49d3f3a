/**
 * Connector type {@code fhir-r4}: incremental pulls from a FHIR R4 REST API with SMART backend
 * services (docs/connectors/fhir-r4.md).
 */
package dev.patient360.routes.fhirr4;
