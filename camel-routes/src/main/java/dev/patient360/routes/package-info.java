/**
 * The connector app. Connectors bring each kind of source into the hub, and write only through the
 * hub's FHIR API (ADR 0002), so the hub's validation, provenance, audit and patient index apply to
 * their data like to anyone else's.
 *
 * <p>Code is grouped by source kind, one package each:
 * <ul>
 * <li>{@code common} – what every connector shares: the default route configuration (error
 *     handling), the hub heartbeat, and (planned) the token provider, inbox, watermarks and dead
 *     letters;</li>
 * <li>{@code hl7v2} – (planned) HL7 v2 over MLLP: ADT, SIU, DFT, acknowledged only once
 *     durable;</li>
 * <li>{@code fhir} – (planned) EHR FHIR APIs: incremental {@code _lastUpdated} pulls and Bulk
 *     {@code $export};</li>
 * <li>{@code scheduling} – (planned) scheduling systems: REST, webhooks, iCal;</li>
 * <li>{@code billing} – (planned) billing files and billing APIs;</li>
 * <li>{@code channels} – (planned) outbound SMTP/SMS for CommunicationRequests.</li>
 * </ul>
 * A connector type is a route template plus its mappers; simulators for its source live in the
 * same package under {@code src/test}. Every route has an explicit kebab-case {@code routeId} and
 * uses {@link dev.patient360.routes.common.ConnectorRouteConfiguration#ID}.
 */
package dev.patient360.routes;
