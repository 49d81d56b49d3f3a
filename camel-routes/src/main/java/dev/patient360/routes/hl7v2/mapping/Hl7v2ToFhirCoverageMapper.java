package dev.patient360.routes.hl7v2.mapping;

import ca.uhn.hl7v2.model.Segment;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

import static dev.patient360.routes.hl7v2.mapping.Segments.get;

/** IN1 to Coverage, after the IG's "Segment IN1 to Coverage" map. */
public final class Hl7v2ToFhirCoverageMapper {

	private Hl7v2ToFhirCoverageMapper() {
	}

	/** Null when IN1 names neither a policy number (IN1-36) nor a plan (IN1-2). */
	public static Coverage map(Segment in1, String sourceSystem) {
		String policy = get(in1, 36);
		String plan = get(in1, 2);
		String company = get(in1, 3);
		if (policy.isEmpty() && plan.isEmpty()) {
			return null;
		}
		Coverage c = new Coverage().setStatus(Coverage.CoverageStatus.ACTIVE);
		// Policy numbers are unique per insurer, so the insurer id (IN1-3) qualifies the system.
		String key = policy.isEmpty() ? plan : policy;
		c.addIdentifier(new Identifier()
				.setSystem(Hl7v2Types.LOCAL_SYSTEM_PREFIX + "coverage:" + sourceSystem + ":" + (company.isEmpty() ? "unknown" : company))
				.setValue(key));
		if (!policy.isEmpty()) {
			c.setSubscriberId(policy);
		}
		String payor = get(in1, 4);
		c.addPayor(new Reference().setDisplay(payor.isEmpty() ? (company.isEmpty() ? "unknown" : company) : payor));
		if (!company.isEmpty()) {
			c.getPayorFirstRep().setIdentifier(new Identifier().setValue(company));
		}
		DateTimeType start = Hl7v2Types.dateTime(get(in1, 12));
		DateTimeType end = Hl7v2Types.dateTime(get(in1, 13));
		if (start != null) {
			c.getPeriod().setStartElement(start);
		}
		if (end != null) {
			c.getPeriod().setEndElement(end);
		}
		String planType = get(in1, 15);
		if (!planType.isEmpty()) {
			c.getType().addCoding().setCode(planType).setDisplay(Hl7v2ToFhirPatientMapper.emptyToNull(get(in1, 15, 2)));
		}
		String relationship = get(in1, 17);
		if (!relationship.isEmpty()) {
			c.getRelationship().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/v2-0063").setCode(relationship);
		}
		return c;
	}
}
