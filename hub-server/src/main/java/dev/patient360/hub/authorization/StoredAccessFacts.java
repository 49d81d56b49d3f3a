package dev.patient360.hub.authorization;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;

import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Reference;

/**
 * {@link AccessFacts} answered from the hub's storage, each question asked at most once per request.
 * The instance lives in the request's user data and dies with it: nothing is cached across requests,
 * so a withdrawn Consent counts from the very next request.
 */
final class StoredAccessFacts implements AccessFacts {

	private static final String USER_DATA_KEY = StoredAccessFacts.class.getName();

	private final DaoRegistry daos;
	private final Instant now = Instant.now();
	private final Map<String, List<Consent>> consentsByPatient = new ConcurrentHashMap<>();
	private final Map<String, Set<String>> coveredByOrganization = new ConcurrentHashMap<>();
	private final Map<String, Set<String>> consentingToOrganization = new ConcurrentHashMap<>();
	private final Map<String, Set<String>> inCareOfOrganization = new ConcurrentHashMap<>();

	private StoredAccessFacts(DaoRegistry daos) {
		this.daos = daos;
	}

	/**
	 * The facts of the request, created on first use. Batch entries are processed on parallel
	 * threads with the same request, hence the lock and the concurrent maps.
	 */
	static AccessFacts of(RequestDetails request, DaoRegistry daos) {
		Map<Object, Object> userData = request.getUserData();
		synchronized (userData) {
			return (AccessFacts) userData.computeIfAbsent(USER_DATA_KEY, k -> new StoredAccessFacts(daos));
		}
	}

	@Override
	public Instant now() {
		return now;
	}

	@Override
	public List<Consent> consentsOf(String patientId) {
		return consentsByPatient.computeIfAbsent(patientId, id -> search("Consent",
				SearchParameterMap.newSynchronous("patient", new ReferenceParam("Patient/" + id)))
				.stream().map(Consent.class::cast).toList());
	}

	@Override
	public Set<String> patientsCoveredBy(String organizationId) {
		return coveredByOrganization.computeIfAbsent(organizationId, org -> {
			SearchParameterMap map = SearchParameterMap.newSynchronous("payor", new ReferenceParam("Organization/" + org))
					.add("status", new TokenParam("active"));
			Set<String> patients = new LinkedHashSet<>();
			for (IBaseResource r : search("Coverage", map)) {
				Coverage coverage = (Coverage) r;
				if (coverage.getStatus() == Coverage.CoverageStatus.ACTIVE
						&& coverage.getPayor().stream().anyMatch(p -> references(p, "Organization", org))) {
					patientId(coverage.getBeneficiary()).ifPresent(patients::add);
				}
			}
			return Set.copyOf(patients);
		});
	}

	@Override
	public Set<String> patientsConsentingTo(String organizationId) {
		return consentingToOrganization.computeIfAbsent(organizationId, org -> {
			SearchParameterMap map = SearchParameterMap.newSynchronous("actor", new ReferenceParam("Organization/" + org))
					.add("status", new TokenParam("active"));
			Set<String> patients = new LinkedHashSet<>();
			for (IBaseResource r : search("Consent", map)) {
				Consent consent = (Consent) r;
				if (ConsentRules.mayPermitSomethingTo(consent, org, now)) {
					patientId(consent.getPatient()).ifPresent(patients::add);
				}
			}
			return Set.copyOf(patients);
		});
	}

	@Override
	public Set<String> patientsInCareOf(String organizationId) {
		return inCareOfOrganization.computeIfAbsent(organizationId, org -> {
			Set<String> patients = new LinkedHashSet<>();
			for (IBaseResource r : search("Encounter", SearchParameterMap.newSynchronous(
					"service-provider", new ReferenceParam("Organization/" + org)))) {
				Encounter encounter = (Encounter) r;
				if (encounter.getStatus() != Encounter.EncounterStatus.CANCELLED
						&& encounter.getStatus() != Encounter.EncounterStatus.ENTEREDINERROR) {
					patientId(encounter.getSubject()).ifPresent(patients::add);
				}
			}
			for (IBaseResource r : search("CareTeam", SearchParameterMap.newSynchronous(
					"participant", new ReferenceParam("Organization/" + org)).add("status", new TokenParam("active")))) {
				CareTeam team = (CareTeam) r;
				if (team.getStatus() == CareTeam.CareTeamStatus.ACTIVE) {
					patientId(team.getSubject()).ifPresent(patients::add);
				}
			}
			return Set.copyOf(patients);
		});
	}

	private List<IBaseResource> search(String type, SearchParameterMap map) {
		IFhirResourceDao<?> dao = daos.getResourceDao(type);
		// The hub's own lookup: not the caller's request, so no caller rules apply to it.
		return dao.searchForResources(map, new SystemRequestDetails()).stream()
				.map(IBaseResource.class::cast).toList();
	}

	private static java.util.Optional<String> patientId(Reference reference) {
		if (reference == null || !reference.hasReference()) {
			return java.util.Optional.empty();
		}
		org.hl7.fhir.r4.model.IdType id = new org.hl7.fhir.r4.model.IdType(reference.getReference());
		return "Patient".equals(id.getResourceType()) && id.hasIdPart()
				? java.util.Optional.of(id.getIdPart()) : java.util.Optional.empty();
	}

	private static boolean references(Reference reference, String type, String idPart) {
		if (!reference.hasReference()) {
			return false;
		}
		org.hl7.fhir.r4.model.IdType id = new org.hl7.fhir.r4.model.IdType(reference.getReference());
		return type.equals(id.getResourceType()) && idPart.equals(id.getIdPart());
	}
}
