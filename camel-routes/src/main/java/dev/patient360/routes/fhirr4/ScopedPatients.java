package dev.patient360.routes.fhirr4;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;

/**
 * The patient list of a patient-scoped {@code fhir-r4} instance, from the hub's Patient search pages
 * (pure, no I/O). A hub Patient belongs to the list when it carries an identifier that names it at
 * this source: the instance's own source-id identifier ({@code <prefix>Patient}, written when this
 * source's Patients were pulled or exported; its value is the source's Patient id) or, when
 * configured, the source's patient identifier as other feeds of the same EHR write it (typically the
 * MRN from ADT; its value has to be looked up at the source once). Golden records of the patient
 * index are not source records and never count.
 */
final class ScopedPatients {

	static final String GOLDEN_TAG_SYSTEM = "https://fhir.patient360.dev/CodeSystem/record-kind";

	/**
	 * One patient to read.
	 *
	 * @param hubId the hub Patient's logical id, the target of the source's references to it
	 * @param system identifier system that names the patient at the source
	 * @param value its value
	 * @param isSourceId whether {@code value} is the source's Patient id itself (no lookup needed)
	 */
	record ScopedPatient(String hubId, String system, String value, boolean isSourceId) {

		/** Key of the patient in the instance's link table: {@code system|value}. */
		String key() {
			return system + "|" + value;
		}
	}

	private final String ownSystem;
	private final String patientIdentifierSystem;
	private final Map<String, ScopedPatient> patients = new LinkedHashMap<>();

	/**
	 * @param ownSystem the instance's source-id system for Patients ({@code <prefix>Patient})
	 * @param patientIdentifierSystem the source's patient identifier system as other feeds write it; null = none
	 */
	ScopedPatients(String ownSystem, String patientIdentifierSystem) {
		this.ownSystem = ownSystem;
		this.patientIdentifierSystem = patientIdentifierSystem == null || patientIdentifierSystem.isBlank()
				? null : patientIdentifierSystem;
	}

	/** The first hub search: Patients with an identifier in either system, only their identifiers. */
	String firstSearch(int count) {
		StringBuilder q = new StringBuilder("Patient?identifier=").append(enc(ownSystem + "|"));
		if (patientIdentifierSystem != null) {
			q.append(',').append(enc(patientIdentifierSystem + "|"));
		}
		return q.append("&_elements=identifier&_count=").append(count).toString();
	}

	/** Adds the page's Patients; the first hub Patient seen for a source patient wins. */
	void add(Bundle page) {
		for (Bundle.BundleEntryComponent e : page.getEntry()) {
			if (!(e.getResource() instanceof Patient p) || golden(p)) {
				continue;
			}
			ScopedPatient sp = of(p);
			if (sp != null) {
				patients.putIfAbsent(sp.key(), sp);
			}
		}
	}

	Collection<ScopedPatient> patients() {
		return patients.values();
	}

	private ScopedPatient of(Patient p) {
		String hubId = p.getIdElement().getIdPart();
		String mrn = null;
		for (Identifier id : p.getIdentifier()) {
			if (!id.hasValue()) {
				continue;
			}
			if (ownSystem.equals(id.getSystem())) {
				return new ScopedPatient(hubId, ownSystem, id.getValue(), true);
			}
			if (mrn == null && patientIdentifierSystem != null && patientIdentifierSystem.equals(id.getSystem())) {
				mrn = id.getValue();
			}
		}
		return mrn == null ? null : new ScopedPatient(hubId, patientIdentifierSystem, mrn, false);
	}

	private static boolean golden(Patient p) {
		return p.getMeta().getTag().stream().anyMatch(t -> GOLDEN_TAG_SYSTEM.equals(t.getSystem()) && "golden".equals(t.getCode()));
	}

	private static String enc(String s) {
		return URLEncoder.encode(s, StandardCharsets.UTF_8);
	}
}
