package dev.patient360.hub.fhir;

/**
 * Marker for beans that the FHIR server registers as plain providers: extended operations a
 * feature adds ({@code Patient/$mdm-query-links}, …) beside HAPI's resource providers.
 */
public interface HubOperationProvider {
}
