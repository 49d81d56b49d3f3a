package dev.patient360.hub.fhir;

/**
 * Marker for beans that the FHIR server registers as interceptors. Each feature contributes its
 * own, each doing one thing, in HAPI's {@code @Hook} idiom.
 */
public interface HubInterceptor {
}
