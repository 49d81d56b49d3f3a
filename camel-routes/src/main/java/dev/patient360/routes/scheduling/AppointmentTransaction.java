package dev.patient360.routes.scheduling;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import dev.patient360.profiles.SourceRecord;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Collects the entries of one scheduling transaction (pure, no I/O): Appointments upserted by their
 * source key ({@code PUT Appointment?identifier=...}), the people and places they reference created
 * only when the hub has none with the same source identifier ({@code ifNoneExist}), each at most once
 * per transaction, and one Provenance whose id derives from what was mapped, so mapping the same
 * source content again yields the same transaction and the hub writes nothing new.
 */
public final class AppointmentTransaction {

	/** A person on a booking or event: attendee (Patient) or organizer (Practitioner). */
	public record Person(String email, String name) {
	}

	private final SchedulingContext ctx;
	private final String sourceDescription;
	private final Map<String, Bundle.BundleEntryComponent> entries = new LinkedHashMap<>();
	private final List<String> appointments = new ArrayList<>();
	private final StringBuilder fingerprint;
	private Date newest;

	/** @param sourceDescription what the Provenance names as the source entity, e.g. "Cal.com bookings" */
	public AppointmentTransaction(SchedulingContext ctx, String sourceDescription) {
		this.ctx = ctx;
		this.sourceDescription = sourceDescription;
		this.fingerprint = new StringBuilder(ctx.connector());
	}

	public SchedulingContext context() {
		return ctx;
	}

	/** The Patient of an attendee, matched or created by e-mail; returns the reference to use. */
	public Reference patient(Person p) {
		String email = normalised(p.email());
		String system = ctx.attendeeSystem();
		return conditionalCreate(system, email, () -> {
			Patient patient = new Patient();
			patient.addIdentifier(new Identifier().setSystem(system).setValue(email));
			if (p.name() != null && !p.name().isBlank()) {
				patient.addName(name(p.name()));
			}
			patient.addTelecom().setSystem(ContactPoint.ContactPointSystem.EMAIL).setValue(email);
			return patient;
		}, p.name());
	}

	/** The Practitioner of an organizer or host, matched or created by e-mail. */
	public Reference practitioner(Person p) {
		String email = normalised(p.email());
		String system = ctx.hostSystem();
		return conditionalCreate(system, email, () -> {
			Practitioner practitioner = new Practitioner();
			practitioner.addIdentifier(new Identifier().setSystem(system).setValue(email));
			if (p.name() != null && !p.name().isBlank()) {
				practitioner.addName(name(p.name()));
			}
			practitioner.addTelecom().setSystem(ContactPoint.ContactPointSystem.EMAIL).setValue(email);
			return practitioner;
		}, p.name());
	}

	/** The Location named by a booking's location text (an address, a room, or a meeting URL). */
	public Reference location(String text) {
		String value = text.strip();
		String system = ctx.locationSystem();
		return conditionalCreate(system, value, () -> {
			Location location = new Location();
			location.addIdentifier(new Identifier().setSystem(system).setValue(value));
			location.setStatus(Location.LocationStatus.ACTIVE);
			if (value.startsWith("http://") || value.startsWith("https://")) {
				location.setName("Online meeting");
				location.setMode(Location.LocationMode.KIND);
				location.addTelecom().setSystem(ContactPoint.ContactPointSystem.URL).setValue(value);
			}
			else {
				location.setName(value);
			}
			return location;
		}, null);
	}

	/**
	 * Adds an Appointment, upserted by {@code key} in the booking identifier system.
	 *
	 * @param version what changes whenever the source record changes (updatedAt, SEQUENCE)
	 * @param updated when the source record last changed; may be null
	 */
	public void appointment(Appointment a, String key, String version, Date updated) {
		upsert(a, ctx.bookingSystem(), key, version, updated);
	}

	/**
	 * Adds a record of any type with an {@code identifier} element (Appointment, Schedule, Slot),
	 * upserted by {@code key} in {@code system}; returns the reference other entries use for it.
	 */
	public Reference upsert(Resource r, String system, String key, String version, Date updated) {
		List<Identifier> ids = identifiers(r);
		if (ids.stream().noneMatch(i -> system.equals(i.getSystem()) && key.equals(i.getValue()))) {
			ids.add(0, new Identifier().setSystem(system).setValue(key));
		}
		new SourceRecord(ctx.sourceSystem(), key, ctx.connector(), null).set(r);
		String fullUrl = fullUrl(system, key);
		Bundle.BundleEntryComponent e = new Bundle.BundleEntryComponent().setFullUrl(fullUrl).setResource(r);
		e.getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(r.fhirType() + "?identifier=" + conditional(system, key));
		// A later record for the same key in the same transaction replaces the earlier one.
		entries.remove(fullUrl);
		entries.put(fullUrl, e);
		if (!appointments.contains(fullUrl)) {
			appointments.add(fullUrl);
		}
		fingerprint.append('|').append(key).append('@').append(version);
		if (updated != null && (newest == null || updated.after(newest))) {
			newest = updated;
		}
		return new Reference(fullUrl);
	}

	private static List<Identifier> identifiers(Resource r) {
		if (r instanceof Appointment a) {
			return a.getIdentifier();
		}
		if (r instanceof org.hl7.fhir.r4.model.Schedule s) {
			return s.getIdentifier();
		}
		if (r instanceof org.hl7.fhir.r4.model.Slot s) {
			return s.getIdentifier();
		}
		throw new IllegalArgumentException(r.fhirType() + " is not a scheduling record");
	}

	/** Records upserted (Appointments, or Schedules and Slots). */
	public int appointments() {
		return appointments.size();
	}

	/** The newest source change among the Appointments; null when none had one. */
	public Date newest() {
		return newest;
	}

	/** The transaction Bundle; empty (no entries) when no Appointment was added. */
	public Bundle build() {
		Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		if (appointments.isEmpty()) {
			return tx;
		}
		entries.values().forEach(tx::addEntry);
		tx.addEntry(provenance());
		return tx;
	}

	private Reference conditionalCreate(String system, String value, java.util.function.Supplier<Resource> create,
			String display) {
		String fullUrl = fullUrl(system, value);
		entries.computeIfAbsent(fullUrl, k -> {
			Resource r = create.get();
			new SourceRecord(ctx.sourceSystem(), value, ctx.connector(), null).set(r);
			Bundle.BundleEntryComponent e = new Bundle.BundleEntryComponent().setFullUrl(fullUrl).setResource(r);
			e.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl(r.fhirType())
					.setIfNoneExist("identifier=" + conditional(system, value));
			return e;
		});
		Reference ref = new Reference(fullUrl);
		if (display != null && !display.isBlank()) {
			ref.setDisplay(display);
		}
		return ref;
	}

	private Bundle.BundleEntryComponent provenance() {
		String id = "sched-" + sha(fingerprint.toString());
		Provenance p = new Provenance();
		p.setId(id);
		appointments.forEach(t -> p.addTarget(new Reference(t)));
		p.setRecorded(newest != null ? newest : new Date(0));
		p.getActivity().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/v3-DataOperation").setCode("UPDATE");
		p.addAgent().setWho(new Reference().setDisplay("connector " + ctx.connector()))
				.getType().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/provenance-participant-type")
				.setCode("author");
		p.addEntity().setRole(Provenance.ProvenanceEntityRole.SOURCE)
				.setWhat(new Reference().setDisplay(sourceDescription + " of " + ctx.sourceSystem()));
		p.getMeta().addTag(SourceRecord.tag(ctx.sourceSystem()));
		Bundle.BundleEntryComponent e = new Bundle.BundleEntryComponent().setResource(p);
		e.getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl("Provenance/" + id);
		return e;
	}

	static HumanName name(String text) {
		String t = text.strip();
		HumanName n = new HumanName().setText(t);
		int space = t.lastIndexOf(' ');
		if (space > 0) {
			n.setFamily(t.substring(space + 1));
			for (String given : t.substring(0, space).trim().split("\\s+")) {
				n.addGiven(given);
			}
		}
		return n;
	}

	static String normalised(String email) {
		if (email == null || email.isBlank()) {
			throw new SchedulingMappingException("HUB-5042 a participant has no e-mail address to match by");
		}
		String e = email.strip();
		if (e.regionMatches(true, 0, "mailto:", 0, 7)) {
			e = e.substring(7);
		}
		return e.toLowerCase(Locale.ROOT);
	}

	static String fullUrl(String system, String value) {
		return "urn:uuid:" + UUID.nameUUIDFromBytes((system + "|" + value).getBytes(StandardCharsets.UTF_8));
	}

	static String conditional(String system, String value) {
		// FHIR search escaping: an unescaped comma would split the value into OR-ed values (HTTP 412).
		String escaped = value.replace("\\", "\\\\").replace(",", "\\,").replace("$", "\\$").replace("|", "\\|");
		return URLEncoder.encode(system, StandardCharsets.UTF_8) + "%7C" + URLEncoder.encode(escaped, StandardCharsets.UTF_8);
	}

	static String sha(String s) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)), 0, 20);
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}
}
