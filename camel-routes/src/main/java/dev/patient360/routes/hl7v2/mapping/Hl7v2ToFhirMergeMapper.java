package dev.patient360.routes.hl7v2.mapping;

import java.util.Optional;

import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Segment;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;

import static dev.patient360.routes.hl7v2.mapping.Segments.first;
import static dev.patient360.routes.hl7v2.mapping.Segments.get;

/**
 * ADT^A40 (merge patient — patient identifier list) to the parameters of the hub's
 * {@code Patient/$merge}: the record named by MRG-1 (retired) is merged into the one named by PID-3
 * (surviving), both found by identifier. The message's transaction only upserts the surviving
 * Patient; the merge itself (retired record inactive and linked, golden records merged) is the hub's.
 */
public final class Hl7v2ToFhirMergeMapper {

	private Hl7v2ToFhirMergeMapper() {
	}

	/** MRG-1: the identifier of the record an A40 retires. */
	public static Identifier retired(Message message) {
		Segment mrg = first(message, "MRG");
		Identifier retired = mrg == null ? null : Hl7v2Types.identifier(mrg, 1, 0);
		if (retired == null || !retired.hasValue()) {
			throw new Hl7v2MappingException("HUB-4015", "A40 without MRG-1 prior patient identifier");
		}
		return retired;
	}

	/** The {@code $merge} parameters of an A40, empty for every other message type. */
	public static Optional<Parameters> map(Message message) {
		Segment msh = first(message, "MSH");
		if (!"ADT".equals(get(msh, 9, 1)) || !"A40".equals(get(msh, 9, 2))) {
			return Optional.empty();
		}
		Segment pid = first(message, "PID");
		Identifier retired = retired(message);
		if (pid == null) {
			throw new Hl7v2MappingException("HUB-4012", "message has no PID segment");
		}
		Patient surviving = Hl7v2ToFhirPatientMapper.map(pid, java.util.List.of());
		Identifier target = Hl7v2ToFhirPatientMapper.key(surviving);
		Parameters parameters = new Parameters();
		parameters.addParameter().setName("source-patient-identifier")
				.setValue(new Identifier().setSystem(retired.getSystem()).setValue(retired.getValue()));
		parameters.addParameter().setName("target-patient-identifier")
				.setValue(new Identifier().setSystem(target.getSystem()).setValue(target.getValue()));
		return Optional.of(parameters);
	}
}
