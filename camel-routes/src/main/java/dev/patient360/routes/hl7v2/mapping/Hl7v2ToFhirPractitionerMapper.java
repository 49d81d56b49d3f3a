package dev.patient360.routes.hl7v2.mapping;

import ca.uhn.hl7v2.model.Segment;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Practitioner;

import static dev.patient360.routes.hl7v2.mapping.Segments.get;

/**
 * XCN (PV1-7/8/9/17, AIP-3) to Practitioner, after the IG's "XCN[Practitioner]" map: XCN-1 is the
 * identifier (system from the assigning authority XCN-9, else local to the source system), XCN-2..7
 * the name.
 */
public final class Hl7v2ToFhirPractitionerMapper {

	private Hl7v2ToFhirPractitionerMapper() {
	}

	/** Null without XCN-1: a name alone identifies nobody, so it stays a display-only reference. */
	public static Practitioner map(Segment seg, int field, String sourceSystem) {
		String id = get(seg, field, 0, 1, 1);
		if (id.isEmpty()) {
			return null;
		}
		String authority = get(seg, field, 0, 9, 1);
		String universalId = get(seg, field, 0, 9, 2);
		String system = authority.isEmpty() && universalId.isEmpty()
				? Hl7v2Types.LOCAL_SYSTEM_PREFIX + "practitioner:" + sourceSystem
				: Hl7v2Types.system(authority, universalId, get(seg, field, 0, 9, 3), get(seg, field, 0, 13, 1));
		Practitioner p = new Practitioner();
		p.addIdentifier(new Identifier().setSystem(system).setValue(id));
		HumanName name = name(seg, field);
		if (name != null) {
			p.addName(name);
		}
		return p;
	}

	/** XCN-2 family, XCN-3 given, XCN-4 further given, XCN-5 suffix, XCN-6 prefix. */
	static HumanName name(Segment seg, int field) {
		String family = get(seg, field, 0, 2, 1);
		String given = get(seg, field, 0, 3, 1);
		if (family.isEmpty() && given.isEmpty()) {
			return null;
		}
		HumanName name = new HumanName();
		if (!family.isEmpty()) {
			name.setFamily(family);
		}
		if (!given.isEmpty()) {
			name.addGiven(given);
		}
		String middle = get(seg, field, 0, 4, 1);
		if (!middle.isEmpty()) {
			name.addGiven(middle);
		}
		String suffix = get(seg, field, 0, 5, 1);
		if (!suffix.isEmpty()) {
			name.addSuffix(suffix);
		}
		String prefix = get(seg, field, 0, 6, 1);
		if (!prefix.isEmpty()) {
			name.addPrefix(prefix);
		}
		return name;
	}

	/** "Given Family" for references, or XCN-1 without a name. */
	static String display(Segment seg, int field) {
		String name = (get(seg, field, 0, 3, 1) + " " + get(seg, field, 0, 2, 1)).trim();
		return name.isEmpty() ? get(seg, field, 0, 1, 1) : name;
	}
}
