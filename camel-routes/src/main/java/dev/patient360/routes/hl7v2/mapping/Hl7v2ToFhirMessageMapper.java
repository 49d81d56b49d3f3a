package dev.patient360.routes.hl7v2.mapping;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Segment;
import dev.patient360.profiles.SourceRecord;
import org.hl7.fhir.r4.model.Account;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ChargeItem;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

import static dev.patient360.routes.hl7v2.mapping.Segments.all;
import static dev.patient360.routes.hl7v2.mapping.Segments.first;
import static dev.patient360.routes.hl7v2.mapping.Segments.get;

/**
 * One HL7 v2 message to one FHIR transaction: conditional upserts keyed by source identifiers
 * ({@code PUT Patient?identifier=system|value}), so a message applied twice leaves one set of
 * resources, plus one Provenance per message whose id derives from sender and MSH-10.
 */
public final class Hl7v2ToFhirMessageMapper {

	/** Message types (MSH-9-1^MSH-9-2) with a mapping. */
	public static final Set<String> SUPPORTED = Set.of(
			"ADT^A01", "ADT^A02", "ADT^A03", "ADT^A04", "ADT^A05", "ADT^A08", "ADT^A11", "ADT^A13", "ADT^A28",
			"ADT^A31", "ADT^A40",
			"SIU^S12", "SIU^S13", "SIU^S14", "SIU^S15", "SIU^S17", "SIU^S26",
			"DFT^P03");

	private static final Set<String> ENCOUNTER_EVENTS = Set.of("A01", "A02", "A03", "A04", "A08", "A11", "A13");

	/**
	 * @param sourceSystem source-system code for meta.tag and the source-record extension
	 * @param connector connector instance, e.g. {@code hl7v2-mllp}
	 * @param sender MSH-3|MSH-4 of the message
	 * @param received when the inbox committed it
	 */
	public record Context(String sourceSystem, String connector, String sender, Date received) {
	}

	private Hl7v2ToFhirMessageMapper() {
	}

	public static boolean supported(String messageType) {
		return SUPPORTED.contains(messageType);
	}

	public static Bundle map(Message message, Context ctx) {
		Segment msh = first(message, "MSH");
		String type = get(msh, 9, 1) + "^" + get(msh, 9, 2);
		String trigger = get(msh, 9, 2);
		String controlId = get(msh, 10);
		if (!supported(type)) {
			throw new Hl7v2MappingException("HUB-4010", "no mapping for message type " + type);
		}
		Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		List<Reference> targets = new ArrayList<>();

		Segment pid = first(message, "PID");
		if (pid == null) {
			throw new Hl7v2MappingException("HUB-4012", "message has no PID segment");
		}
		Patient patient = Hl7v2ToFhirPatientMapper.map(pid, "ADT".equals(get(msh, 9, 1)) ? all(message, "NK1") : List.of());
		Identifier patientKey = Hl7v2ToFhirPatientMapper.key(patient);
		Reference patientRef = upsert(tx, targets, patient, patientKey, ctx, true);

		if ("ADT^A40".equals(type)) {
			// The merge itself follows the transaction as Patient/$merge (Hl7v2ToFhirMergeMapper). The
			// retired record keeps its data; only when the hub has never seen it is a minimal one
			// created (conditional create), so the merge has both records to work on.
			Identifier prior = Hl7v2ToFhirMergeMapper.retired(message);
			Patient old = new Patient().addIdentifier(prior.copy());
			new SourceRecord(ctx.sourceSystem(), prior.getValue(), ctx.connector(), ctx.received()).set(old);
			String oldUrl = "urn:uuid:" + UUID.nameUUIDFromBytes(("Patient|" + prior.getSystem() + "|" + prior.getValue())
					.getBytes(StandardCharsets.UTF_8));
			tx.addEntry().setFullUrl(oldUrl).setResource(old).getRequest().setMethod(Bundle.HTTPVerb.POST)
					.setUrl("Patient").setIfNoneExist("identifier=" + urlPart(prior.getSystem()) + "%7C" + urlPart(searchEscaped(prior.getValue())));
		}

		Hl7v2References refs = references(tx, targets, ctx);
		Encounter encounter = null;
		Segment pv1 = first(message, "PV1");
		if ("ADT".equals(get(msh, 9, 1)) && ENCOUNTER_EVENTS.contains(trigger) || "DFT".equals(get(msh, 9, 1))) {
			encounter = Hl7v2ToFhirEncounterMapper.map(pv1, "DFT".equals(get(msh, 9, 1)) ? "A08" : trigger, refs);
		}
		Reference encounterRef = null;
		if (encounter != null) {
			encounter.setSubject(patientRef);
			encounterRef = upsert(tx, targets, encounter, encounter.getIdentifierFirstRep(), ctx, true);
		}
		if ("ADT".equals(get(msh, 9, 1))) {
			for (Segment in1 : all(message, "IN1")) {
				Coverage c = Hl7v2ToFhirCoverageMapper.map(in1, ctx.sourceSystem());
				if (c != null) {
					c.setBeneficiary(patientRef);
					upsert(tx, targets, c, c.getIdentifierFirstRep(), ctx, true);
				}
			}
		}
		if ("SIU".equals(get(msh, 9, 1))) {
			Appointment a = Hl7v2ToFhirAppointmentMapper.map(first(message, "SCH"), first(message, "TQ1"),
					first(message, "AIS"), all(message, "AIP"), all(message, "AIL"), trigger, ctx.sourceSystem(), refs);
			a.getParticipant().add(0, new Appointment.AppointmentParticipantComponent().setActor(patientRef)
					.setStatus(Appointment.ParticipationStatus.ACCEPTED));
			upsert(tx, targets, a, a.getIdentifierFirstRep(), ctx, true);
		}
		if ("DFT".equals(get(msh, 9, 1))) {
			Reference accountRef = null;
			Identifier accountId = Hl7v2Types.identifier(pid, 18, 0);
			if (accountId != null) {
				Account account = new Account().setStatus(Account.AccountStatus.ACTIVE).addIdentifier(accountId);
				account.addSubject(patientRef);
				accountRef = upsert(tx, targets, account, accountId, ctx, true);
			}
			List<Segment> ft1s = all(message, "FT1");
			if (ft1s.isEmpty()) {
				throw new Hl7v2MappingException("HUB-4014", "DFT^P03 without FT1 segments");
			}
			for (Segment ft1 : ft1s) {
				ChargeItem c = Hl7v2ToFhirChargeItemMapper.map(ft1, ctx.sourceSystem(), controlId + "-" + get(ft1, 1));
				c.setSubject(patientRef);
				if (encounterRef != null) {
					c.setContext(encounterRef);
				}
				if (accountRef != null) {
					c.addAccount(accountRef);
				}
				upsert(tx, targets, c, c.getIdentifierFirstRep(), ctx, true);
			}
		}
		tx.addEntry(provenance(targets, msh, ctx));
		return tx;
	}

	/**
	 * Practitioners and Locations named in the message become conditional upserts in the same
	 * transaction (keyed like every other resource by their source identifier). A practitioner
	 * without XCN-1 has nothing to be upserted by and stays a display-only reference.
	 */
	private static Hl7v2References references(Bundle tx, List<Reference> targets, Context ctx) {
		return new Hl7v2References() {
			@Override
			public Reference practitioner(Segment seg, int field) {
				String display = Hl7v2ToFhirPractitionerMapper.display(seg, field);
				if (display.isEmpty()) {
					return null;
				}
				Practitioner p = Hl7v2ToFhirPractitionerMapper.map(seg, field, ctx.sourceSystem());
				if (p == null) {
					return new Reference().setDisplay(display).setType("Practitioner");
				}
				return upsert(tx, targets, p, p.getIdentifierFirstRep(), ctx, false).setDisplay(display);
			}

			@Override
			public Reference location(Segment seg, int field) {
				Location l = Hl7v2ToFhirLocationMapper.map(seg, field, ctx.sourceSystem());
				if (l == null) {
					return null;
				}
				return upsert(tx, targets, l, l.getIdentifierFirstRep(), ctx, false).setDisplay(l.getName());
			}
		};
	}

	/** The id the hub stores the message's Provenance under: the same for every resend of the message. */
	public static String provenanceId(String sender, String controlId) {
		try {
			byte[] h = java.security.MessageDigest.getInstance("SHA-256")
					.digest((sender + "\u0000" + controlId).getBytes(StandardCharsets.UTF_8));
			return "hl7v2-" + HexFormat.of().formatHex(h, 0, 20);
		}
		catch (java.security.NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	/**
	 * @param perMessage false for reference data many patients' messages name (Practitioner, Location):
	 *        their source record leaves out the received time, so an unchanged one is the same content
	 *        and the hub stores no new version. With it, every message rewrote them, and messages of
	 *        different patients processed in parallel conflicted on them (HTTP 409).
	 */
	private static Reference upsert(Bundle tx, List<Reference> targets, Resource r, Identifier key,
			Context ctx, boolean perMessage) {
		if (key == null || !key.hasValue()) {
			throw new Hl7v2MappingException("HUB-4016", r.fhirType() + " has no source identifier to upsert by");
		}
		String fullUrl = "urn:uuid:" + UUID.nameUUIDFromBytes((r.fhirType() + "|" + key.getSystem() + "|" + key.getValue())
				.getBytes(StandardCharsets.UTF_8));
		for (Bundle.BundleEntryComponent e : tx.getEntry()) {
			if (e.getFullUrl().equals(fullUrl)) {
				return new Reference(fullUrl);
			}
		}
		new SourceRecord(ctx.sourceSystem(), key.getValue(), ctx.connector(), perMessage ? ctx.received() : null).set(r);
		tx.addEntry().setFullUrl(fullUrl).setResource(r).getRequest()
				.setMethod(Bundle.HTTPVerb.PUT)
				.setUrl(r.fhirType() + "?identifier=" + urlPart(key.getSystem()) + "%7C" + urlPart(searchEscaped(key.getValue())));
		Reference ref = new Reference(fullUrl);
		targets.add(ref);
		return ref;
	}

	/** FHIR search escaping: an unescaped comma would split a location like "4 East, room 136" into OR-ed values (HTTP 412). */
	private static String searchEscaped(String value) {
		return value == null ? null : value.replace("\\", "\\\\").replace(",", "\\,").replace("$", "\\$").replace("|", "\\|");
	}

	private static String urlPart(String s) {
		return java.net.URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
	}

	private static Bundle.BundleEntryComponent provenance(List<Reference> targets, Segment msh, Context ctx) {
		String controlId = get(msh, 10);
		Provenance p = new Provenance();
		String id = provenanceId(ctx.sender(), controlId);
		p.setId(id);
		targets.forEach(t -> p.addTarget(new Reference(t.getReference())));
		org.hl7.fhir.r4.model.DateTimeType sent = Hl7v2Types.dateTime(get(msh, 7));
		p.setRecorded(ctx.received());
		if (sent != null) {
			p.setOccurred(sent);
		}
		p.getActivity().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/v3-DataOperation").setCode("UPDATE");
		p.addAgent().setWho(new Reference().setDisplay(ctx.sender().replace('|', ' ').trim()))
				.getType().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/provenance-participant-type")
				.setCode("author");
		p.addEntity().setRole(Provenance.ProvenanceEntityRole.SOURCE)
				.setWhat(new Reference().setDisplay("HL7 v2 message " + get(msh, 9, 1) + "^" + get(msh, 9, 2))
						.setIdentifier(new Identifier().setSystem(Hl7v2Types.LOCAL_SYSTEM_PREFIX + "msh-10:" + ctx.sourceSystem())
								.setValue(controlId)));
		p.getMeta().addTag(SourceRecord.tag(ctx.sourceSystem()));
		Bundle.BundleEntryComponent e = new Bundle.BundleEntryComponent().setResource(p);
		e.getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl("Provenance/" + id);
		return e;
	}

	/** What orders a message behind earlier ones: its patient (PID-3 key), so one patient's messages never overtake. */
	public static String patientKey(Message message) {
		Segment pid = first(message, "PID");
		if (pid == null) {
			return "";
		}
		Identifier id = Hl7v2Types.identifier(pid, 3, 0);
		return id == null ? "" : id.getSystem() + "|" + id.getValue();
	}

	static Segment first(Message m, String name) {
		return Segments.first(m, name);
	}

	static List<Segment> all(Message m, String name) {
		return Segments.all(m, name);
	}
}
