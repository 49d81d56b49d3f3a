package dev.patient360.hub.identity;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.function.Predicate;

import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;

import dev.patient360.profiles.Canonicals;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;

/**
 * Golden Patients: one per person, written by the hub itself (a {@link SystemRequestDetails}, so
 * neither matched again nor audited as a caller's write) and tagged {@link #GOLDEN_TAG_SYSTEM}#golden.
 * Their demographics follow the survivorship rule: per field, the value of the most trusted source
 * that has one, then the most recently updated. Source Patients are only ever read.
 */
class GoldenRecords {

	static final String GOLDEN_TAG_SYSTEM = Canonicals.BASE + "/CodeSystem/record-kind";
	static final String GOLDEN_TAG_CODE = "golden";

	private final IFhirResourceDao<Patient> patients;
	private final List<String> trustedSources;

	GoldenRecords(IFhirResourceDao<Patient> patients, List<String> trustedSources) {
		this.patients = patients;
		this.trustedSources = trustedSources.stream().filter(s -> !s.isBlank()).toList();
	}

	static boolean isGolden(IBaseResource resource) {
		return resource instanceof Patient p && p.getMeta().getTag(GOLDEN_TAG_SYSTEM, GOLDEN_TAG_CODE) != null;
	}

	/** Creates the golden record of a person first seen in {@code source}; returns {@code Patient/id}. */
	String create(Patient source) {
		Patient golden = survive(new Patient(), List.of(source));
		return "Patient/" + patients.create(golden, new SystemRequestDetails()).getId().getIdPart();
	}

	/**
	 * Re-derives the golden record from its sources. {@code inHand} is a source just written in this
	 * transaction (newer than what a read may return); the others are read.
	 */
	void refresh(String goldenId, List<String> sourceIds, Patient inHand) {
		if (sourceIds.isEmpty()) {
			return;
		}
		List<Patient> sources = new ArrayList<>();
		for (String id : sourceIds) {
			if (inHand != null && id.equals("Patient/" + inHand.getIdElement().getIdPart())) {
				sources.add(inHand);
			}
			else {
				sources.add(patients.read(new IdType(id), new SystemRequestDetails()));
			}
		}
		Patient golden = patients.read(new IdType(goldenId), new SystemRequestDetails());
		Patient updated = survive(golden.copy(), sources);
		updated.setId(new IdType(goldenId).toUnqualifiedVersionless());
		if (!updated.equalsDeep(golden)) {
			patients.update(updated, new SystemRequestDetails());
		}
	}

	/** Overwrites the demographics of {@code golden} from {@code sources} and tags it. */
	Patient survive(Patient golden, List<Patient> sources) {
		List<Patient> ranked = new ArrayList<>(sources);
		ranked.sort(Comparator.comparingInt(this::trustRank)
				.thenComparing(GoldenRecords::lastUpdated, Comparator.reverseOrder()));
		golden.getMeta().getTag().removeIf(t -> !GOLDEN_TAG_SYSTEM.equals(t.getSystem()));
		if (golden.getMeta().getTag(GOLDEN_TAG_SYSTEM, GOLDEN_TAG_CODE) == null) {
			golden.getMeta().addTag(new Coding(GOLDEN_TAG_SYSTEM, GOLDEN_TAG_CODE, "Golden record"));
		}
		golden.getMeta().setLastUpdated(null);
		golden.getMeta().setVersionId(null);
		golden.setName(first(ranked, Patient::hasName).map(p -> copyList(p.getName())).orElse(new ArrayList<>()));
		golden.setGender(first(ranked, Patient::hasGender).map(Patient::getGender).orElse(null));
		golden.setBirthDateElement(first(ranked, Patient::hasBirthDate).map(p -> p.getBirthDateElement().copy()).orElse(null));
		golden.setAddress(first(ranked, Patient::hasAddress).map(p -> copyList(p.getAddress())).orElse(new ArrayList<>()));
		golden.setTelecom(first(ranked, Patient::hasTelecom).map(p -> copyList(p.getTelecom())).orElse(new ArrayList<>()));
		golden.setDeceased(first(ranked, Patient::hasDeceased).map(p -> p.getDeceased().copy()).orElse(null));
		// No source identifiers: a source's conditional create/update by its identifier must keep
		// matching exactly its own record. The golden record of a source is found with
		// $mdm-query-links or a :mdm search.
		golden.setIdentifier(new ArrayList<>());
		golden.setActive(true);
		golden.setLink(new ArrayList<>());
		return golden;
	}

	/**
	 * A golden record without sources: kept (references to it stay valid), inactive, pointing to the
	 * record that replaced it, if any (merge, accepted review).
	 */
	void retire(String goldenId, String replacedBy) {
		Patient golden = patients.read(new IdType(goldenId), new SystemRequestDetails());
		golden.setActive(false);
		golden.setLink(new ArrayList<>());
		if (replacedBy != null) {
			golden.addLink().setType(Patient.LinkType.REPLACEDBY).setOther(new org.hl7.fhir.r4.model.Reference(replacedBy));
		}
		patients.update(golden, new SystemRequestDetails());
	}

	private int trustRank(Patient p) {
		Coding tag = p.getMeta().getTag().stream().filter(t -> Canonicals.CS_SOURCE_SYSTEM.equals(t.getSystem()))
				.findFirst().orElse(null);
		int rank = tag == null ? -1 : trustedSources.indexOf(tag.getCode());
		return rank < 0 ? Integer.MAX_VALUE : rank;
	}

	private static Date lastUpdated(Patient p) {
		Date d = p.getMeta().getLastUpdated();
		return d == null ? new Date(Long.MAX_VALUE) : d;
	}

	private static java.util.Optional<Patient> first(List<Patient> ranked, Predicate<Patient> has) {
		return ranked.stream().filter(has).findFirst();
	}

	@SuppressWarnings("unchecked")
	private static <T extends org.hl7.fhir.r4.model.Base> List<T> copyList(List<T> list) {
		List<T> out = new ArrayList<>();
		list.forEach(item -> out.add((T) item.copy()));
		return out;
	}
}
