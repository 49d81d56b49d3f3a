package dev.patient360.routes.hl7v2.mapping;

import java.util.ArrayList;
import java.util.List;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Group;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.model.Structure;
import ca.uhn.hl7v2.util.Terser;

/**
 * Field access by segment name and HL7 position, independent of how a structure nests its groups:
 * the same PID/PV1/IN1 code serves ADT_A01, ADT_A39 and SIU_S12.
 */
final class Segments {

	private Segments() {
	}

	static List<Segment> all(Group group, String name) {
		List<Segment> found = new ArrayList<>();
		collect(group, name, found);
		return found;
	}

	static Segment first(Group group, String name) {
		List<Segment> all = all(group, name);
		return all.isEmpty() ? null : all.get(0);
	}

	private static void collect(Group group, String name, List<Segment> found) {
		try {
			for (String child : group.getNames()) {
				for (Structure s : group.getAll(child)) {
					if (s instanceof Segment seg) {
						if (seg.getName().equals(name) && !seg.isEmpty()) {
							found.add(seg);
						}
					}
					else if (s instanceof Group g) {
						collect(g, name, found);
					}
				}
			}
		}
		catch (HL7Exception e) {
			throw new Hl7v2MappingException("HUB-4011", "could not read " + name + " segments", e);
		}
	}

	/** Component value (1-based field, repetition 0-based, component and subcomponent 1-based), or "". */
	static String get(Segment seg, int field, int rep, int comp, int sub) {
		if (seg == null) {
			return "";
		}
		try {
			if (rep >= seg.getField(field).length) {
				return "";
			}
			String v = Terser.get(seg, field, rep, comp, sub);
			return v == null ? "" : v.trim();
		}
		catch (HL7Exception e) {
			return "";
		}
	}

	static String get(Segment seg, int field, int comp) {
		return get(seg, field, 0, comp, 1);
	}

	static String get(Segment seg, int field) {
		return get(seg, field, 0, 1, 1);
	}

	static int reps(Segment seg, int field) {
		try {
			return seg == null ? 0 : seg.getField(field).length;
		}
		catch (HL7Exception e) {
			return 0;
		}
	}
}
