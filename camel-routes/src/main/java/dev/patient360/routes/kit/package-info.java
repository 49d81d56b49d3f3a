/**
 * The connector kit: what every pull connector shares. A connector <em>instance</em> is configuration
 * ({@link dev.patient360.routes.kit.ConnectorsProperties}, one entry per source); a connector
 * <em>type</em> is a Camel route template plus pure mappers (see {@code fhirr4} for the first one).
 * Shared here: SMART backend-services tokens ({@link dev.patient360.routes.kit.SmartBackendTokens}),
 * source HTTP with {@code Retry-After} ({@link dev.patient360.routes.kit.SourceHttp}), persisted
 * watermarks and status ({@link dev.patient360.routes.kit.ConnectorState}) and the status API.
 * docs/howto/add-a-connector.md walks through adding a type.
 */
package dev.patient360.routes.kit;
