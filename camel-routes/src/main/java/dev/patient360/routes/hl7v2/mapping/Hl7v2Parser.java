package dev.patient360.routes.hl7v2.mapping;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;

/**
 * ER7 only (a PipeParser: XML on the wire is refused). Every version is read into the v2.5.1
 * structures, and validation is off, so real feeds with Z-segments, newer versions' extra fields
 * and minor deviations parse; what the mappers need is checked by the mappers.
 */
public final class Hl7v2Parser {

	private final PipeParser parser;

	public Hl7v2Parser() {
		HapiContext context = new DefaultHapiContext(new CanonicalModelClassFactory("2.5.1"));
		context.setValidationContext(ValidationContextFactory.noValidation());
		context.getParserConfiguration().setAllowUnknownVersions(true);
		this.parser = context.getPipeParser();
	}

	public Message parse(String er7) throws HL7Exception {
		if (!er7.startsWith("MSH")) {
			throw new HL7Exception("message does not start with an MSH segment");
		}
		return parser.parse(er7);
	}
}
