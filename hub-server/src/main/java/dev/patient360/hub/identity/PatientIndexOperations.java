package dev.patient360.hub.identity;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;

import dev.patient360.hub.errors.HubErrorCode;
import dev.patient360.hub.fhir.HubOperationProvider;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;

/**
 * The index's FHIR operations, in the shape of HAPI MDM's so tools written against HAPI work
 * unchanged: {@code Patient/$mdm-query-links} answers Parameters with one {@code link} per link
 * (goldenResourceId, sourceResourceId, matchResult, linkSource, eidMatch, hadToCreateNewResource,
 * score, linkCreated, linkUpdated).
 */
class PatientIndexOperations implements HubOperationProvider {

	static final int DEFAULT_COUNT = 20;
	static final int MAX_COUNT = 1000;

	private final PatientIndex index;

	PatientIndexOperations(PatientIndex index) {
		this.index = index;
	}

	@Operation(name = "$mdm-query-links", typeName = "Patient", idempotent = true)
	public Parameters queryLinks(
			@OperationParam(name = "goldenResourceId", max = 1) StringType goldenResourceId,
			@OperationParam(name = "resourceId", max = 1) StringType resourceId,
			@OperationParam(name = "matchResult", max = 1) StringType matchResult,
			@OperationParam(name = "linkSource", max = 1) StringType linkSource,
			@OperationParam(name = "_offset", max = 1) IntegerType offset,
			@OperationParam(name = "_count", max = 1) IntegerType count) {
		int from = offset == null || offset.getValue() == null ? 0 : offset.getValue();
		int size = count == null || count.getValue() == null ? DEFAULT_COUNT : count.getValue();
		if (from < 0 || size < 1 || size > MAX_COUNT) {
			throw bad("_offset must be ≥ 0 and _count between 1 and " + MAX_COUNT);
		}
		MatchResult result = matchResult == null || matchResult.isEmpty() ? null : parseResult(matchResult.getValue());
		String source = linkSource == null || linkSource.isEmpty() ? null : linkSource.getValue().toUpperCase(Locale.ROOT);
		if (source != null && !source.equals(PatientIndex.AUTO) && !source.equals(PatientIndex.MANUAL)) {
			throw bad("linkSource must be AUTO or MANUAL");
		}
		List<PatientIndexStore.Link> links = index.store().links(patientId(resourceId), patientId(goldenResourceId),
				result, source, from, size);
		Parameters answer = new Parameters();
		for (PatientIndexStore.Link link : links) {
			Parameters.ParametersParameterComponent p = answer.addParameter().setName("link");
			p.addPart().setName("goldenResourceId").setValue(new StringType(link.goldenId()));
			p.addPart().setName("sourceResourceId").setValue(new StringType(link.sourceId()));
			p.addPart().setName("matchResult").setValue(new StringType(link.matchResult().name()));
			p.addPart().setName("linkSource").setValue(new StringType(link.linkSource()));
			p.addPart().setName("eidMatch").setValue(new BooleanType(link.eidMatch()));
			p.addPart().setName("hadToCreateNewResource").setValue(new BooleanType(link.createdNewGolden()));
			p.addPart().setName("score").setValue(new DecimalType(BigDecimal.valueOf(link.score())));
			p.addPart().setName("linkCreated").setValue(new DecimalType(link.created()));
			p.addPart().setName("linkUpdated").setValue(new DecimalType(link.updated()));
		}
		return answer;
	}

	private static MatchResult parseResult(String value) {
		try {
			return MatchResult.valueOf(value.trim().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException e) {
			throw bad("matchResult must be MATCH, POSSIBLE_MATCH or NO_MATCH");
		}
	}

	/** {@code Patient/123}, {@code 123} or a full URL to {@code Patient/123}; null stays null. */
	static String patientId(StringType value) {
		if (value == null || value.isEmpty()) {
			return null;
		}
		String v = value.getValue().trim();
		int slash = v.lastIndexOf('/');
		String idPart = slash < 0 ? v : v.substring(slash + 1);
		String type = slash < 0 ? "Patient" : v.substring(v.lastIndexOf('/', slash - 1) + 1, slash);
		if (!"Patient".equals(type) || !idPart.matches("[A-Za-z0-9\\-.]{1,64}")) {
			throw bad("a Patient id (Patient/123) was expected");
		}
		return "Patient/" + idPart;
	}

	static InvalidRequestException bad(String text) {
		return new InvalidRequestException(HubErrorCode.PATIENT_INDEX_BAD_PARAMETER.message(text));
	}
}
