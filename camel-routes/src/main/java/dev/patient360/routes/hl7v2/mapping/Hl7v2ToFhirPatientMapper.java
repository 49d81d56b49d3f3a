package dev.patient360.routes.hl7v2.mapping;

import ca.uhn.hl7v2.model.Segment;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;

import static dev.patient360.routes.hl7v2.mapping.Segments.get;
import static dev.patient360.routes.hl7v2.mapping.Segments.reps;

/** PID (with NK1 as contacts) to Patient, after the IG's "Segment PID to Patient" map. */
public final class Hl7v2ToFhirPatientMapper {

	private Hl7v2ToFhirPatientMapper() {
	}

	public static Patient map(Segment pid, Iterable<Segment> nk1s) {
		Patient patient = new Patient();
		for (int r = 0; r < reps(pid, 3); r++) {
			Identifier id = Hl7v2Types.identifier(pid, 3, r);
			if (id != null) {
				patient.addIdentifier(id);
			}
		}
		if (!patient.hasIdentifier()) {
			throw new Hl7v2MappingException("HUB-4012", "PID-3 holds no patient identifier");
		}
		for (int r = 0; r < reps(pid, 5); r++) {
			HumanName name = Hl7v2Types.name(pid, 5, r);
			if (name != null) {
				patient.addName(name);
			}
		}
		if (Hl7v2Types.date(get(pid, 7)) != null) {
			patient.setBirthDateElement(Hl7v2Types.date(get(pid, 7)));
		}
		switch (get(pid, 8)) {
			case "M" -> patient.setGender(AdministrativeGender.MALE);
			case "F" -> patient.setGender(AdministrativeGender.FEMALE);
			case "O", "A", "N" -> patient.setGender(AdministrativeGender.OTHER);
			case "U" -> patient.setGender(AdministrativeGender.UNKNOWN);
			default -> { }
		}
		for (int r = 0; r < reps(pid, 11); r++) {
			Address a = Hl7v2Types.address(pid, 11, r);
			if (a != null) {
				patient.addAddress(a);
			}
		}
		for (int r = 0; r < reps(pid, 13); r++) {
			ContactPoint cp = Hl7v2Types.telecom(pid, 13, r, ContactPoint.ContactPointUse.HOME);
			if (cp != null) {
				patient.addTelecom(cp);
			}
		}
		for (int r = 0; r < reps(pid, 14); r++) {
			ContactPoint cp = Hl7v2Types.telecom(pid, 14, r, ContactPoint.ContactPointUse.WORK);
			if (cp != null) {
				patient.addTelecom(cp);
			}
		}
		String language = get(pid, 15);
		if (!language.isEmpty()) {
			patient.addCommunication().getLanguage().addCoding().setCode(language).setDisplay(emptyToNull(get(pid, 15, 2)));
		}
		String marital = get(pid, 16);
		if (!marital.isEmpty()) {
			patient.getMaritalStatus().addCoding()
					.setSystem("http://terminology.hl7.org/CodeSystem/v3-MaritalStatus").setCode(marital);
		}
		DateTimeType death = Hl7v2Types.dateTime(get(pid, 29));
		if (death != null) {
			patient.setDeceased(death);
		}
		else if ("Y".equals(get(pid, 30))) {
			patient.setDeceased(new BooleanType(true));
		}
		else if ("N".equals(get(pid, 30))) {
			patient.setDeceased(new BooleanType(false));
		}
		for (Segment nk1 : nk1s) {
			Patient.ContactComponent contact = new Patient.ContactComponent();
			HumanName name = Hl7v2Types.name(nk1, 2, 0);
			if (name != null) {
				contact.setName(name);
			}
			String rel = get(nk1, 3);
			if (!rel.isEmpty()) {
				contact.addRelationship().addCoding()
						.setSystem("http://terminology.hl7.org/CodeSystem/v2-0063").setCode(rel).setDisplay(emptyToNull(get(nk1, 3, 2)));
			}
			Address a = Hl7v2Types.address(nk1, 4, 0);
			if (a != null) {
				contact.setAddress(a);
			}
			for (int r = 0; r < reps(nk1, 5); r++) {
				ContactPoint cp = Hl7v2Types.telecom(nk1, 5, r, ContactPoint.ContactPointUse.HOME);
				if (cp != null) {
					contact.addTelecom(cp);
				}
			}
			if (!contact.isEmpty()) {
				patient.addContact(contact);
			}
		}
		return patient;
	}

	/**
	 * The identifier the hub upserts the patient by: the first PID-3 of type MR, else KVNR, else the
	 * first PID-3.
	 */
	public static Identifier key(Patient patient) {
		for (Identifier id : patient.getIdentifier()) {
			if (id.getType().hasCoding("http://terminology.hl7.org/CodeSystem/v2-0203", "MR")) {
				return id;
			}
		}
		for (Identifier id : patient.getIdentifier()) {
			if (Hl7v2Types.KVNR_SYSTEM.equals(id.getSystem())) {
				return id;
			}
		}
		return patient.getIdentifierFirstRep();
	}

	static String emptyToNull(String s) {
		return s.isEmpty() ? null : s;
	}
}
