package dev.patient360.routes.hl7v2.mapping;

import ca.uhn.hl7v2.model.Segment;
import org.hl7.fhir.r4.model.Reference;

/**
 * How a segment mapper refers to the Practitioner (XCN) or Location (PL) in a field: the message
 * mapper creates them as conditional upserts in the same transaction and hands back the reference.
 * Null when the field is empty.
 */
interface Hl7v2References {

	Reference practitioner(Segment seg, int field);

	Reference location(Segment seg, int field);
}
