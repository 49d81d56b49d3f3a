package dev.patient360.hub.identity;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.model.api.IQueryParameterType;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.param.TokenParamModifier;
import ca.uhn.fhir.rest.server.util.ICachedSearchDetails;

import dev.patient360.hub.fhir.HubInterceptor;

/**
 * The 360° read: before a search is registered, a golden Patient in {@code Patient/$everything}
 * stands for itself and all its source Patients, and a reference parameter with HAPI's {@code :mdm}
 * qualifier ({@code Encounter?subject:mdm=Patient/1}) for every Patient of that person. The
 * expansion is part of the search itself, so HAPI's paging stays exactly-once over the union, and
 * every resource still passes the consent check of its own patient.
 */
@Interceptor
class GoldenRecordSearchExpansion implements HubInterceptor {

	private final PatientIndex index;

	GoldenRecordSearchExpansion(PatientIndex index) {
		this.index = index;
	}

	@Hook(Pointcut.STORAGE_PRESEARCH_REGISTERED)
	void expand(SearchParameterMap map, ICachedSearchDetails search) {
		if (map.getEverythingMode() != null && map.get("_id") != null) {
			expandEverything(map);
		}
		else if ("Patient".equals(search.getResourceType()) && map.get("_id") == null && !asksForGolden(map)) {
			// A Patient search finds source records, as before the index: golden records only when
			// asked for by id or by their tag.
			map.add("_tag", new TokenParam(GoldenRecords.GOLDEN_TAG_SYSTEM, GoldenRecords.GOLDEN_TAG_CODE)
					.setModifier(TokenParamModifier.NOT));
		}
		for (List<List<IQueryParameterType>> and : map.values()) {
			for (List<IQueryParameterType> or : and) {
				expandMdmReferences(or);
			}
		}
	}

	private static boolean asksForGolden(SearchParameterMap map) {
		List<List<IQueryParameterType>> tags = map.get("_tag");
		return tags != null && tags.stream().flatMap(List::stream).anyMatch(p -> p instanceof TokenParam t
				&& GoldenRecords.GOLDEN_TAG_SYSTEM.equals(t.getSystem()));
	}

	private void expandEverything(SearchParameterMap map) {
		List<List<IQueryParameterType>> expanded = new ArrayList<>();
		int total = 0;
		for (List<IQueryParameterType> or : map.get("_id")) {
			Set<String> ids = new LinkedHashSet<>();
			for (IQueryParameterType param : or) {
				if (param instanceof TokenParam token && token.getValue() != null) {
					String idPart = idPart(token.getValue());
					ids.add(idPart);
					index.sourcesOf("Patient/" + idPart).forEach(source -> ids.add(idPart(source)));
				}
			}
			List<IQueryParameterType> tokens = new ArrayList<>();
			ids.forEach(id -> tokens.add(new TokenParam(id)));
			total += tokens.size();
			expanded.add(tokens);
		}
		map.put("_id", expanded);
		if (total > 1 && map.getEverythingMode() == SearchParameterMap.EverythingModeEnum.PATIENT_INSTANCE) {
			map.setEverythingMode(SearchParameterMap.EverythingModeEnum.PATIENT_TYPE);
		}
	}

	private void expandMdmReferences(List<IQueryParameterType> or) {
		List<IQueryParameterType> added = new ArrayList<>();
		for (IQueryParameterType param : or) {
			if (param instanceof ReferenceParam reference && reference.isMdmExpand() && reference.getIdPart() != null) {
				String patient = "Patient/" + reference.getIdPart();
				String golden = index.goldenOf(patient).orElse(patient);
				Set<String> person = new LinkedHashSet<>(index.sourcesOf(golden));
				person.add(golden);
				person.remove(patient);
				person.forEach(id -> added.add(new ReferenceParam(id)));
				reference.setMdmExpand(false);
			}
		}
		or.addAll(added);
	}

	private static String idPart(String value) {
		int slash = value.lastIndexOf('/');
		return slash < 0 ? value : value.substring(slash + 1);
	}
}
