package dev.patient360.routes.hl7v2.mapping;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ca.uhn.hl7v2.model.Segment;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;

import static dev.patient360.routes.hl7v2.mapping.Segments.get;

/** HL7 v2 data types to FHIR data types, after the v2-to-FHIR IG's datatype maps (CX, XPN, XTN, XAD, DTM). */
final class Hl7v2Types {

	/** German statutory health insurance number (KVNR), the system the German base profiles use. */
	static final String KVNR_SYSTEM = "http://fhir.de/sid/gkv/kvid-10";
	/** Local assigning authorities without an OID become URNs under this prefix. */
	static final String LOCAL_SYSTEM_PREFIX = "urn:patient360:hl7v2:";

	private static final Pattern DTM = Pattern.compile("(\\d{4})(\\d{2})?(\\d{2})?(\\d{2})?(\\d{2})?(\\d{2})?(\\.\\d+)?([+-]\\d{4})?");

	private Hl7v2Types() {
	}

	/** CX at a field repetition: CX-1 value, CX-4 assigning authority as system, CX-5 type. Null without value. */
	static Identifier identifier(Segment seg, int field, int rep) {
		String value = get(seg, field, rep, 1, 1);
		if (value.isEmpty()) {
			return null;
		}
		String type = get(seg, field, rep, 5, 1);
		Identifier id = new Identifier().setValue(value).setSystem(system(
				get(seg, field, rep, 4, 1), get(seg, field, rep, 4, 2), get(seg, field, rep, 4, 3), type));
		if (!type.isEmpty()) {
			id.getType().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/v2-0203").setCode(type);
		}
		return id;
	}

	static String system(String namespace, String universalId, String universalIdType, String type) {
		if ("KVNR".equalsIgnoreCase(type) || "KVNR".equalsIgnoreCase(namespace) || "GKV".equalsIgnoreCase(namespace)) {
			return KVNR_SYSTEM;
		}
		if (!universalId.isEmpty() && "ISO".equalsIgnoreCase(universalIdType)) {
			return "urn:oid:" + universalId;
		}
		String local = !namespace.isEmpty() ? namespace : !universalId.isEmpty() ? universalId : "unknown";
		return LOCAL_SYSTEM_PREFIX + URLEncoder.encode(local, StandardCharsets.UTF_8).replace("+", "%20");
	}

	static HumanName name(Segment seg, int field, int rep) {
		String family = get(seg, field, rep, 1, 1);
		String given = get(seg, field, rep, 2, 1);
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
		String middle = get(seg, field, rep, 3, 1);
		if (!middle.isEmpty()) {
			name.addGiven(middle);
		}
		String suffix = get(seg, field, rep, 4, 1);
		if (!suffix.isEmpty()) {
			name.addSuffix(suffix);
		}
		String prefix = get(seg, field, rep, 5, 1);
		if (!prefix.isEmpty()) {
			name.addPrefix(prefix);
		}
		switch (get(seg, field, rep, 7, 1)) {
			case "L" -> name.setUse(HumanName.NameUse.OFFICIAL);
			case "D" -> name.setUse(HumanName.NameUse.USUAL);
			case "M", "B" -> name.setUse(HumanName.NameUse.MAIDEN);
			case "A", "N" -> name.setUse(HumanName.NameUse.NICKNAME);
			case "T" -> name.setUse(HumanName.NameUse.TEMP);
			default -> { }
		}
		return name;
	}

	/** XTN: XTN-1 (older versions) or XTN-12 unformatted number, XTN-4 e-mail; XTN-2 use, XTN-3 equipment. */
	static ContactPoint telecom(Segment seg, int field, int rep, ContactPoint.ContactPointUse defaultUse) {
		String equipment = get(seg, field, rep, 3, 1);
		String email = get(seg, field, rep, 4, 1);
		String number = !get(seg, field, rep, 12, 1).isEmpty() ? get(seg, field, rep, 12, 1) : get(seg, field, rep, 1, 1);
		ContactPoint cp = new ContactPoint();
		if ("Internet".equalsIgnoreCase(equipment) || "X.400".equalsIgnoreCase(equipment) || (!email.isEmpty() && number.isEmpty())) {
			if (email.isEmpty()) {
				return null;
			}
			cp.setSystem(ContactPoint.ContactPointSystem.EMAIL).setValue(email);
		}
		else {
			if (number.isEmpty()) {
				return null;
			}
			cp.setValue(number).setSystem(switch (equipment) {
				case "FX" -> ContactPoint.ContactPointSystem.FAX;
				case "BP" -> ContactPoint.ContactPointSystem.PAGER;
				default -> ContactPoint.ContactPointSystem.PHONE;
			});
			if ("CP".equals(equipment)) {
				cp.setUse(ContactPoint.ContactPointUse.MOBILE);
			}
		}
		if (!cp.hasUse()) {
			switch (get(seg, field, rep, 2, 1)) {
				case "PRN", "ORN", "VHN" -> cp.setUse(ContactPoint.ContactPointUse.HOME);
				case "WPN" -> cp.setUse(ContactPoint.ContactPointUse.WORK);
				default -> {
					if (defaultUse != null) {
						cp.setUse(defaultUse);
					}
				}
			}
		}
		return cp;
	}

	static Address address(Segment seg, int field, int rep) {
		String line = get(seg, field, rep, 1, 1);
		String city = get(seg, field, rep, 3, 1);
		String postal = get(seg, field, rep, 5, 1);
		if (line.isEmpty() && city.isEmpty() && postal.isEmpty()) {
			return null;
		}
		Address a = new Address();
		if (!line.isEmpty()) {
			a.addLine(line);
		}
		String other = get(seg, field, rep, 2, 1);
		if (!other.isEmpty()) {
			a.addLine(other);
		}
		if (!city.isEmpty()) {
			a.setCity(city);
		}
		String state = get(seg, field, rep, 4, 1);
		if (!state.isEmpty()) {
			a.setState(state);
		}
		if (!postal.isEmpty()) {
			a.setPostalCode(postal);
		}
		String country = get(seg, field, rep, 6, 1);
		if (!country.isEmpty()) {
			a.setCountry(country);
		}
		switch (get(seg, field, rep, 7, 1)) {
			case "H" -> a.setUse(Address.AddressUse.HOME);
			case "B", "O" -> a.setUse(Address.AddressUse.WORK);
			case "C" -> a.setUse(Address.AddressUse.TEMP);
			case "M" -> a.setType(Address.AddressType.POSTAL);
			default -> { }
		}
		return a;
	}

	static DateType date(String dtm) {
		Matcher m = DTM.matcher(dtm);
		if (dtm.isEmpty() || !m.lookingAt()) {
			return null;
		}
		StringBuilder s = new StringBuilder(m.group(1));
		if (m.group(2) != null) {
			s.append('-').append(m.group(2));
			if (m.group(3) != null) {
				s.append('-').append(m.group(3));
			}
		}
		return new DateType(s.toString());
	}

	/**
	 * DTM with time to dateTime. HL7 allows a time without offset; FHIR does not, and such times are
	 * read as UTC (documented in docs/connectors/hl7v2-mllp.md).
	 */
	static DateTimeType dateTime(String dtm) {
		Matcher m = DTM.matcher(dtm);
		if (dtm.isEmpty() || !m.lookingAt()) {
			return null;
		}
		if (m.group(4) == null) {
			return new DateTimeType(date(dtm).getValueAsString());
		}
		String offset = m.group(8) == null ? "Z" : m.group(8).substring(0, 3) + ":" + m.group(8).substring(3);
		String s = m.group(1) + "-" + m.group(2) + "-" + m.group(3) + "T" + m.group(4) + ":"
				+ (m.group(5) == null ? "00" : m.group(5)) + ":" + (m.group(6) == null ? "00" : m.group(6)) + offset;
		return new DateTimeType(s);
	}
}
