/**
 * The durable audit trail: every FHIR request that reads or changes data, and every refused
 * attempt, becomes an AuditEvent (IHE BALP shapes). Records of writes commit in the write's own
 * transaction; records of reads and refusals are committed to the queue table
 * {@code hub_audit_queue} before the answer is sent; {@code AuditDrain} turns queued rows into
 * AuditEvent resources exactly once. Features that refuse requests outside the FHIR server call
 * {@link dev.patient360.hub.audit.AuditTrail#recordRefused}. docs/security.md, section "Audit",
 * describes the model.
 */
package dev.patient360.hub.audit;
