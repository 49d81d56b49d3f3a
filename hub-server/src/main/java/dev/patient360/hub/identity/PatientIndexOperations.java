package dev.patient360.hub.identity;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;

import dev.patient360.hub.errors.HubErrorCode;
import dev.patient360.hub.fhir.HubOperationProvider;
import dev.patient360.profiles.Canonicals;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

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
	private final IFhirResourceDao<Patient> patients;
	private final TransactionTemplate transaction;

	private final PatientIndexBatch batch;

	PatientIndexOperations(PatientIndex index, IFhirResourceDao<Patient> patients, PlatformTransactionManager tx,
			PatientIndexBatch batch) {
		this.index = index;
		this.batch = batch;
		this.patients = patients;
		this.transaction = new TransactionTemplate(tx);
	}

	/**
	 * Links every Patient not yet in the index (HAPI MDM's batch operation name). POST starts a run
	 * unless one is running; GET only reports. Both answer the run's progress.
	 */
	@Operation(name = "$mdm-submit", typeName = "Patient", idempotent = true)
	public Parameters submit(ca.uhn.fhir.rest.api.server.RequestDetails request) {
		PatientIndexBatch.Status s = request.getRequestType() == ca.uhn.fhir.rest.api.RequestTypeEnum.GET
				? batch.status() : batch.submit();
		Parameters answer = new Parameters();
		answer.addParameter("state", new StringType(s.state()));
		answer.addParameter("total", new DecimalType(s.total()));
		answer.addParameter("processed", new DecimalType(s.processed()));
		answer.addParameter("linked", new DecimalType(s.linked()));
		if (s.started() != null) {
			answer.addParameter("started", new org.hl7.fhir.r4.model.InstantType(java.util.Date.from(s.started())));
		}
		if (s.finished() != null) {
			answer.addParameter("finished", new org.hl7.fhir.r4.model.InstantType(java.util.Date.from(s.finished())));
		}
		return answer;
	}

	/** HAPI MDM's merge of two golden records; answers the surviving golden Patient. */
	@Operation(name = "$mdm-merge-golden-resources", typeName = "Patient")
	public Patient mergeGoldenResources(
			@OperationParam(name = "fromGoldenResourceId", min = 1, max = 1) StringType from,
			@OperationParam(name = "toGoldenResourceId", min = 1, max = 1) StringType to) {
		String fromId = patientId(from);
		String toId = patientId(to);
		steward(() -> index.mergeGoldens(fromId, toId, "$mdm-merge-golden-resources"));
		return read(toId);
	}

	/** Undoes the latest merge out of a golden record (which becomes active again with its former links). */
	@Operation(name = "$mdm-unmerge", typeName = "Patient")
	public Parameters unmerge(@OperationParam(name = "goldenResourceId", min = 1, max = 1) StringType golden) {
		String goldenId = patientId(golden);
		String tag = steward(() -> index.unmerge(goldenId));
		Parameters answer = new Parameters();
		answer.addParameter().setName("outcome").setResource(info("undone: " + tag));
		answer.addParameter().setName("result").setResource(read(goldenId));
		return answer;
	}

	/**
	 * A steward's decision on a POSSIBLE_MATCH from the review queue
	 * ({@code $mdm-query-links?matchResult=POSSIBLE_MATCH}): MATCH accepts, NO_MATCH rejects for good.
	 */
	@Operation(name = "$mdm-update-link", typeName = "Patient")
	public Patient updateLink(
			@OperationParam(name = "goldenResourceId", min = 1, max = 1) StringType golden,
			@OperationParam(name = "resourceId", min = 1, max = 1) StringType resource,
			@OperationParam(name = "matchResult", min = 1, max = 1) StringType matchResult) {
		String goldenId = patientId(golden);
		String sourceId = patientId(resource);
		MatchResult decision = parseResult(matchResult.getValue());
		if (decision == MatchResult.POSSIBLE_MATCH) {
			throw bad("matchResult must be MATCH (accept) or NO_MATCH (reject)");
		}
		steward(() -> {
			index.decide(sourceId, goldenId, decision == MatchResult.MATCH);
			return null;
		});
		return read(goldenId);
	}

	/**
	 * FHIR R5's Patient/$merge (backported): the source Patient is marked {@code active=false} with a
	 * {@code replaced-by} link to the target, the target gets a {@code replaces} link (or is replaced by
	 * {@code result-patient}), and the index merges the persons of both (source's golden record into
	 * target's). {@code preview} changes nothing; {@code delete-source} deletes the source instead of
	 * marking it. Answers {@code input}, {@code outcome} and {@code result} (the target Patient). A
	 * repeated identical merge changes nothing and answers the same outcome: an HL7 v2 ADT^A40 resent
	 * by its sender is harmless.
	 * <p>
	 * Data stewards may merge any two Patients; an {@code ehr-source} token only two Patients that
	 * both carry exactly its own source tag (docs/security.md).
	 */
	@Operation(name = "$merge", typeName = "Patient")
	public Parameters merge(
			@OperationParam(name = "source-patient", max = 1) Reference sourcePatient,
			@OperationParam(name = "source-patient-identifier") List<Identifier> sourceIdentifiers,
			@OperationParam(name = "target-patient", max = 1) Reference targetPatient,
			@OperationParam(name = "target-patient-identifier") List<Identifier> targetIdentifiers,
			@OperationParam(name = "result-patient", max = 1) Patient resultPatient,
			@OperationParam(name = "preview", max = 1) BooleanType preview,
			@OperationParam(name = "delete-source", max = 1) BooleanType deleteSource,
			ca.uhn.fhir.rest.api.server.RequestDetails request) {
		Parameters input = new Parameters();
		if (sourcePatient != null) {
			input.addParameter().setName("source-patient").setValue(sourcePatient.copy());
		}
		if (sourceIdentifiers != null) {
			sourceIdentifiers.forEach(i -> input.addParameter().setName("source-patient-identifier").setValue(i.copy()));
		}
		if (targetPatient != null) {
			input.addParameter().setName("target-patient").setValue(targetPatient.copy());
		}
		if (targetIdentifiers != null) {
			targetIdentifiers.forEach(i -> input.addParameter().setName("target-patient-identifier").setValue(i.copy()));
		}
		if (resultPatient != null) {
			input.addParameter().setName("result-patient").setResource(resultPatient.copy());
		}
		boolean dryRun = preview != null && Boolean.TRUE.equals(preview.getValue());
		boolean delete = deleteSource != null && Boolean.TRUE.equals(deleteSource.getValue());
		if (preview != null) {
			input.addParameter().setName("preview").setValue(preview.copy());
		}
		if (deleteSource != null) {
			input.addParameter().setName("delete-source").setValue(deleteSource.copy());
		}
		dev.patient360.hub.security.HubPrincipal principal = dev.patient360.hub.security.HubPrincipal.of(request);
		String ownSource = isSteward(principal) ? null : principal.sourceSystem().orElse("");
		String source = resolve(sourcePatient, sourceIdentifiers, "source-patient", ownSource);
		String target = resolve(targetPatient, targetIdentifiers, "target-patient", ownSource);
		if (source.equals(target)) {
			throw new UnprocessableEntityException(HubErrorCode.PATIENT_INDEX_REFUSED.message(
					"source-patient and target-patient are the same Patient"));
		}
		if (resultPatient != null && !target.equals("Patient/" + resultPatient.getIdElement().getIdPart())) {
			throw new UnprocessableEntityException(HubErrorCode.PATIENT_MERGE_RESULT_MISMATCH.message(
					"result-patient must have the id of the target Patient (" + target + ")"));
		}
		Parameters answer = new Parameters();
		answer.addParameter().setName("input").setResource(input);
		String text = "merged " + source + " into " + target;
		if (dryRun) {
			Patient[] both = steward(() -> new Patient[] { read(source), read(target) });
			requireOwnSource(principal, both);
			answer.addParameter().setName("outcome").setResource(info("preview: " + text + "; nothing was changed"));
			answer.addParameter().setName("result").setResource(withReplaces(resultPatient != null ? resultPatient : both[1], source));
			return answer;
		}
		Patient result = steward(() -> {
			Patient sourceRecord = read(source);
			Patient targetRecord = read(target);
			requireOwnSource(principal, new Patient[] { sourceRecord, targetRecord });
			String sourceGolden = index.goldenOf(source).orElseThrow(() -> new NoSuchElementException(source + " is not indexed"));
			String targetGolden = index.goldenOf(target).orElseThrow(() -> new NoSuchElementException(target + " is not indexed"));
			if (!sourceGolden.equals(targetGolden)) {
				index.mergeGoldens(sourceGolden, targetGolden, "$merge " + source + " -> " + target);
			}
			Patient merged = withReplaces(resultPatient != null ? resultPatient : targetRecord, source);
			if (!merged.equalsDeep(targetRecord)) {
				patients.update(merged, new SystemRequestDetails());
			}
			if (delete) {
				index.sourceDeleted(source);
				try {
					patients.delete(new IdType(source), new SystemRequestDetails());
				}
				catch (ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException e) {
					// R5's $merge would rewrite those references; the hub leaves them to their sources.
					throw new UnprocessableEntityException(HubErrorCode.PATIENT_MERGE_SOURCE_REFERENCED.message(
							"delete-source: " + source + " is still referenced by other resources; merge without delete-source"));
				}
			}
			else if (!isReplacedBy(sourceRecord, target)) {
				sourceRecord.setActive(false);
				sourceRecord.getLink().removeIf(l -> l.getType() == Patient.LinkType.REPLACEDBY);
				sourceRecord.addLink().setType(Patient.LinkType.REPLACEDBY).setOther(new Reference(target));
				patients.update(sourceRecord, new SystemRequestDetails());
			}
			return read(target);
		});
		answer.addParameter().setName("outcome").setResource(info(text));
		answer.addParameter().setName("result").setResource(result);
		return answer;
	}

	/** An ehr-source merges only records that carry exactly its own source tag. */
	private static void requireOwnSource(dev.patient360.hub.security.HubPrincipal principal, Patient[] records) {
		if (isSteward(principal)) {
			return;
		}
		String own = principal.sourceSystem().orElse(null);
		for (Patient record : records) {
			List<String> sources = record.getMeta().getTag().stream()
					.filter(t -> Canonicals.CS_SOURCE_SYSTEM.equals(t.getSystem())).map(org.hl7.fhir.r4.model.Coding::getCode)
					.toList();
			if (own == null || !sources.equals(List.of(own))) {
				throw new ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException(HubErrorCode.ACCESS_DENIED.message(
						"an ehr-source may merge only Patients that carry its own source tag"));
			}
		}
	}

	private static boolean isSteward(dev.patient360.hub.security.HubPrincipal principal) {
		return principal.unrestricted() || principal.is(dev.patient360.hub.security.Party.ADMIN)
				|| principal.is(dev.patient360.hub.security.Party.INTEGRATION_ENGINEER);
	}

	private static boolean isReplacedBy(Patient record, String target) {
		return Boolean.FALSE.equals(record.getActiveElement().getValue()) && record.getLink().stream()
				.anyMatch(l -> l.getType() == Patient.LinkType.REPLACEDBY && target.equals(l.getOther().getReference()));
	}

	/** The target with a {@code replaces} link to the source (added once). */
	private static Patient withReplaces(Patient target, String source) {
		Patient copy = target.copy();
		boolean linked = copy.getLink().stream()
				.anyMatch(l -> l.getType() == Patient.LinkType.REPLACES && source.equals(l.getOther().getReference()));
		if (!linked) {
			copy.addLink().setType(Patient.LinkType.REPLACES).setOther(new Reference(source));
		}
		return copy;
	}

	/**
	 * The source Patient named by reference or identifiers; with {@code ownSource} (an ehr-source
	 * caller) only among the Patients tagged with it, so another source's records stay invisible.
	 */
	private String resolve(Reference reference, List<Identifier> identifiers, String name, String ownSource) {
		if (reference != null && reference.hasReference()) {
			return patientId(new StringType(reference.getReference()));
		}
		if (identifiers == null || identifiers.isEmpty()) {
			throw bad(name + " or " + name + "-identifier is required");
		}
		SearchParameterMap map = SearchParameterMap.newSynchronous();
		for (Identifier identifier : identifiers) {
			map.add(Patient.SP_IDENTIFIER, new TokenParam(identifier.getSystem(), identifier.getValue()));
		}
		if (ownSource != null) {
			map.add("_tag", new TokenParam(Canonicals.CS_SOURCE_SYSTEM, ownSource));
		}
		List<String> found = patients.searchForIds(map, new SystemRequestDetails()).stream()
				.map(id -> "Patient/" + id.toString()).filter(id -> index.goldenOf(id).isPresent()).toList();
		if (found.size() != 1) {
			throw new UnprocessableEntityException(HubErrorCode.PATIENT_INDEX_REFUSED.message(
					name + "-identifier must name exactly one source Patient, found " + found.size()));
		}
		return found.get(0);
	}

	private <T> T steward(java.util.function.Supplier<T> change) {
		try {
			return transaction.execute(status -> change.get());
		}
		catch (NoSuchElementException e) {
			throw new ResourceNotFoundException(HubErrorCode.PATIENT_INDEX_UNKNOWN.message(e.getMessage()));
		}
		catch (IllegalArgumentException e) {
			throw new UnprocessableEntityException(HubErrorCode.PATIENT_INDEX_REFUSED.message(e.getMessage()));
		}
	}

	private Patient read(String id) {
		return patients.read(new IdType(id), new SystemRequestDetails());
	}

	private static OperationOutcome info(String text) {
		OperationOutcome outcome = new OperationOutcome();
		outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
				.setCode(OperationOutcome.IssueType.INFORMATIONAL).setDiagnostics(text);
		return outcome;
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
