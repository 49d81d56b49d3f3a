package dev.patient360.routes.hl7v2.mapping;

import java.util.ArrayList;
import java.util.List;

import ca.uhn.hl7v2.model.Segment;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;

import static dev.patient360.routes.hl7v2.mapping.Segments.get;

/**
 * PL (PV1-3/6, AIL-3) to Location. The IG's "PL[Location]" map makes one Location per level (bed,
 * room, point of care, facility) chained by partOf and references the most granular one; we create
 * that most granular Location only, identified by the whole path (facility^point of care^room^bed),
 * so the same bed in another ward is another Location. The partOf chain is left out.
 */
public final class Hl7v2ToFhirLocationMapper {

	private static final String PHYSICAL_TYPE = "http://terminology.hl7.org/CodeSystem/location-physical-type";

	private Hl7v2ToFhirLocationMapper() {
	}

	/** Null when the PL is empty. */
	public static Location map(Segment seg, int field, String sourceSystem) {
		String pointOfCare = get(seg, field, 1);
		String room = get(seg, field, 2);
		String bed = get(seg, field, 3);
		String facility = get(seg, field, 4);
		if (pointOfCare.isEmpty() && room.isEmpty() && bed.isEmpty() && facility.isEmpty()) {
			return null;
		}
		Location l = new Location().setMode(Location.LocationMode.INSTANCE).setStatus(Location.LocationStatus.ACTIVE);
		l.addIdentifier(new Identifier().setSystem(Hl7v2Types.LOCAL_SYSTEM_PREFIX + "location:" + sourceSystem)
				.setValue(String.join("^", facility, pointOfCare, room, bed)));
		l.setName(display(seg, field));
		String type = !bed.isEmpty() ? "bd" : !room.isEmpty() ? "ro" : !pointOfCare.isEmpty() ? "wa" : "si";
		l.getPhysicalType().addCoding().setSystem(PHYSICAL_TYPE).setCode(type);
		String description = get(seg, field, 9);
		if (!description.isEmpty()) {
			l.setDescription(description);
		}
		return l;
	}

	/** Facility / point of care / room / bed, the levels present. */
	static String display(Segment seg, int field) {
		List<String> parts = new ArrayList<>();
		for (int c : new int[] {4, 1, 2, 3}) {
			String part = get(seg, field, c);
			if (!part.isEmpty()) {
				parts.add(part);
			}
		}
		return parts.isEmpty() ? null : String.join(" / ", parts);
	}
}
