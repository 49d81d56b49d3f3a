package dev.patient360.hub.identity;

import java.util.Collection;
import java.util.Date;
import java.util.Locale;

import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;

import dev.patient360.profiles.Canonicals;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;

/**
 * Writes one Provenance per link change of the index, in the transaction of the change, so
 * {@code Provenance?target=Patient/{golden}} answers how a golden record was composed: targets are
 * the golden Patient and the source Patients concerned, the agent is the patient index, the activity
 * says what happened ({@link #ACTIVITY_SYSTEM}), the reason carries match result and score. The
 * resource is tagged with the source system {@value #SOURCE_CODE}, so like every other resource in
 * an answer it shows where it came from.
 */
class IndexProvenance {

	static final String ACTIVITY_SYSTEM = Canonicals.BASE + "/CodeSystem/patient-index-activity";
	static final String SOURCE_CODE = "patient-index";
	/** Logical reference of a Patient that no longer exists (a deleted source). */
	static final String RESOURCE_ID_SYSTEM = Canonicals.BASE + "/sid/resource-id";
	private static final String PARTICIPANT_TYPES = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";

	private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(IndexProvenance.class);

	private final IFhirResourceDao<Provenance> provenances;
	private final org.springframework.transaction.support.TransactionTemplate newTransaction;

	IndexProvenance(IFhirResourceDao<Provenance> provenances, org.springframework.transaction.PlatformTransactionManager tx) {
		this.provenances = provenances;
		this.newTransaction = new org.springframework.transaction.support.TransactionTemplate(tx);
		this.newTransaction.setPropagationBehavior(org.springframework.transaction.TransactionDefinition.PROPAGATION_REQUIRES_NEW);
	}

	/**
	 * @param activity what happened (AUTO_LINK, NEW_GOLDEN, POSSIBLE_MATCH, MERGE, UNMERGE, ACCEPT,
	 *        REJECT, SOURCE_DELETED)
	 * @param goldens the golden Patients concerned, the resulting one first
	 * @param sources the source Patients concerned (existing ones)
	 * @param gone a source Patient deleted in this transaction, referenced logically, or null
	 * @param reason match result, score, operation — free text
	 */
	void record(String activity, Collection<String> goldens, Collection<String> sources, String gone, String reason) {
		Provenance p = new Provenance();
		p.getMeta().addTag(Canonicals.CS_SOURCE_SYSTEM, SOURCE_CODE, "Patient 360 Hub patient index");
		for (String golden : goldens) {
			p.addTarget(new Reference(golden));
		}
		for (String source : sources) {
			p.addTarget(new Reference(source));
			p.addEntity().setRole(Provenance.ProvenanceEntityRole.SOURCE).setWhat(new Reference(source));
		}
		if (gone != null) {
			p.addTarget(new Reference().setType("Patient")
					.setIdentifier(new Identifier().setSystem(RESOURCE_ID_SYSTEM).setValue(gone)).setDisplay(gone + " (deleted)"));
		}
		p.setRecorded(new Date());
		p.getActivity().addCoding(new Coding(ACTIVITY_SYSTEM, activity, display(activity)));
		p.addAgent().setType(new org.hl7.fhir.r4.model.CodeableConcept(new Coding(PARTICIPANT_TYPES, "assembler", "Assembler")))
				.setWho(new Reference().setType("Device").setDisplay("Patient 360 Hub patient index"));
		if (reason != null) {
			p.addReason().setText(reason);
		}
		// Written once the link change has committed: inside a FHIR transaction bundle the Patients it
		// names are not yet resolvable as reference targets (HAPI-1094). The link history row commits
		// with the change itself; a Provenance lost to a crash in between is logged, not retried.
		if (org.springframework.transaction.support.TransactionSynchronizationManager.isSynchronizationActive()) {
			org.springframework.transaction.support.TransactionSynchronizationManager.registerSynchronization(
					new org.springframework.transaction.support.TransactionSynchronization() {
						@Override
						public void afterCommit() {
							write(p);
						}
					});
		}
		else {
			write(p);
		}
	}

	private void write(Provenance p) {
		try {
			newTransaction.executeWithoutResult(status -> provenances.create(p, new SystemRequestDetails()));
		}
		catch (RuntimeException e) {
			log.warn("HUB-3006 patient index Provenance ({}) not written: {}", p.getActivity().getCodingFirstRep().getCode(),
					e.getClass().getSimpleName());
		}
	}

	private static String display(String activity) {
		return switch (activity) {
			case "NEW_GOLDEN" -> "New golden record for a source Patient";
			case "AUTO_LINK" -> "Source Patient linked by matching";
			case "POSSIBLE_MATCH" -> "Possible match queued for review";
			case "MERGE" -> "Golden records merged";
			case "UNMERGE" -> "Merge undone";
			case "ACCEPT" -> "Possible match accepted by a data steward";
			case "REJECT" -> "Possible match rejected by a data steward";
			case "SOURCE_DELETED" -> "Source Patient deleted";
			default -> activity.toLowerCase(Locale.ROOT);
		};
	}

	static String score(MatchResult result, double score, String linkSource) {
		return String.format(Locale.ROOT, "%s %s, score %.3f", linkSource, result, score);
	}
}
