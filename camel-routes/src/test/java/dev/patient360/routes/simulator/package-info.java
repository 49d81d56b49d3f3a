/**
 * The simulator kit: far sides of pull connectors on WireMock, over real HTTP, for connector ITs,
 * benchmarks and the demo. Integration engineers adding a connector type reuse these pieces:
 * {@link dev.patient360.routes.simulator.SmartTokenEndpoint} (SMART backend-services token endpoint
 * that checks client assertions), {@link dev.patient360.routes.simulator.FaultSchedule} (429 with
 * {@code Retry-After} and 503 bursts on a schedule), {@link dev.patient360.routes.simulator.EhrSimulator}
 * (FHIR R4 search API over Synthea Patients and Encounters) and
 * {@link dev.patient360.routes.simulator.BulkExportSimulator} (Bulk Data {@code $export} over the
 * Synthea bulk NDJSON). Each simulator starts with {@code start(port, dataDir, ...)} and has a
 * {@code main} for the demo; every request lands in WireMock's journal, which tests read for
 * request counts and timing.
 */
package dev.patient360.routes.simulator;
