package dev.patient360.routes.hl7v2.mapping;

import ca.uhn.hl7v2.model.Segment;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

import static dev.patient360.routes.hl7v2.mapping.Segments.get;

/**
 * PV1 to Encounter, after the IG's "Segment PV1 to Encounter" map; the status comes from the trigger
 * event. PV1-7/8/9/17 become participants and PV1-3 (and PV1-6 on a transfer) locations, referring to
 * Practitioner and Location resources upserted in the same transaction.
 */
public final class Hl7v2ToFhirEncounterMapper {

	private static final String V3_ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
	private static final String PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";

	private Hl7v2ToFhirEncounterMapper() {
	}

	/** Null when PV1 is absent or has no visit number (PV1-19): without it there is nothing to upsert by. */
	static Encounter map(Segment pv1, String trigger, Hl7v2References refs) {
		if (pv1 == null) {
			return null;
		}
		Identifier visit = Hl7v2Types.identifier(pv1, 19, 0);
		if (visit == null) {
			return null;
		}
		visit.setUse(Identifier.IdentifierUse.OFFICIAL);
		Encounter e = new Encounter().addIdentifier(visit);
		e.setClass_(encounterClass(get(pv1, 2)));
		DateTimeType admit = Hl7v2Types.dateTime(get(pv1, 44));
		DateTimeType discharge = Hl7v2Types.dateTime(get(pv1, 45));
		if (admit != null) {
			e.getPeriod().setStartElement(admit);
		}
		if (discharge != null) {
			e.getPeriod().setEndElement(discharge);
		}
		e.setStatus(switch (trigger) {
			case "A05", "A14" -> Encounter.EncounterStatus.PLANNED;
			case "A03" -> Encounter.EncounterStatus.FINISHED;
			// A11/A27 cancel the admit: the visit did not take place, which R4 calls cancelled.
			case "A11", "A27" -> Encounter.EncounterStatus.CANCELLED;
			case "A13" -> Encounter.EncounterStatus.INPROGRESS;
			default -> discharge != null ? Encounter.EncounterStatus.FINISHED : Encounter.EncounterStatus.INPROGRESS;
		});
		participant(e, refs.practitioner(pv1, 7), "ATND", "attender");
		participant(e, refs.practitioner(pv1, 8), "REF", "referrer");
		participant(e, refs.practitioner(pv1, 9), "CON", "consultant");
		participant(e, refs.practitioner(pv1, 17), "ADM", "admitter");
		Reference location = refs.location(pv1, 3);
		if (location != null) {
			e.addLocation().setLocation(location).setStatus(Encounter.EncounterLocationStatus.ACTIVE);
		}
		if ("A02".equals(trigger)) {
			Reference prior = refs.location(pv1, 6);
			if (prior != null) {
				e.addLocation().setLocation(prior).setStatus(Encounter.EncounterLocationStatus.COMPLETED);
			}
		}
		return e;
	}

	private static Coding encounterClass(String pv12) {
		return switch (pv12) {
			case "I" -> new Coding(V3_ACT_CODE, "IMP", "inpatient encounter");
			case "E" -> new Coding(V3_ACT_CODE, "EMER", "emergency");
			case "P" -> new Coding(V3_ACT_CODE, "PRENC", "pre-admission");
			case "R", "O" -> new Coding(V3_ACT_CODE, "AMB", "ambulatory");
			default -> new Coding("http://terminology.hl7.org/CodeSystem/v3-NullFlavor", "UNK", "unknown");
		};
	}

	private static void participant(Encounter e, Reference who, String code, String display) {
		if (who != null) {
			e.addParticipant().setIndividual(who).addType().addCoding(new Coding(PARTICIPATION, code, display));
		}
	}
}
