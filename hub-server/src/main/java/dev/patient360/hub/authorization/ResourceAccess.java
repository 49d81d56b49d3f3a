package dev.patient360.hub.authorization;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceDefinition;

import dev.patient360.profiles.Canonicals;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;

/**
 * Facts about a resource that access decisions depend on: which patients it belongs to (its
 * Patient compartment owners) and which source system wrote it.
 */
final class ResourceAccess {

	/** {@code meta.tag} system whose code names the source system that wrote a resource. */
	static final String SOURCE_SYSTEM_TAG = Canonicals.CS_SOURCE_SYSTEM;

	/**
	 * Types outside the Patient compartment that hold no patient data: directories, definitions and
	 * terminology. Every other type outside the compartment ({@code Binary}, {@code Bundle}, …) is
	 * not attributable to a patient and therefore hidden from patient-bound parties.
	 */
	static final Set<String> SHARED_TYPES = Set.of(
			"Organization", "OrganizationAffiliation", "Practitioner", "PractitionerRole", "Location",
			"HealthcareService", "Endpoint", "Medication", "Substance", "Device", "ValueSet",
			"CodeSystem", "ConceptMap", "NamingSystem", "StructureDefinition", "SearchParameter",
			"Questionnaire", "PlanDefinition", "ActivityDefinition", "Library", "Measure",
			"CapabilityStatement", "OperationDefinition", "ImplementationGuide");

	private final FhirContext fhirContext;

	ResourceAccess(FhirContext fhirContext) {
		this.fhirContext = fhirContext;
	}

	/** Whether resources of the type can belong to a patient (the type has a Patient compartment). */
	boolean inPatientCompartment(String resourceType) {
		if ("Patient".equals(resourceType)) {
			return true;
		}
		RuntimeResourceDefinition def = fhirContext.getResourceDefinition(resourceType);
		return !def.getSearchParamsForCompartmentName("Patient").isEmpty();
	}

	/**
	 * The logical ids of the patients whose compartment holds the resource. A Patient belongs to
	 * itself only: a {@code link} to another record (a golden record, a duplicate) does not make it
	 * that patient's data. Empty for resources not attributable to any patient.
	 */
	List<String> patientOwners(IBaseResource resource) {
		if ("Patient".equals(fhirContext.getResourceType(resource))) {
			return resource.getIdElement().hasIdPart() ? List.of(resource.getIdElement().getIdPart()) : List.of();
		}
		List<IIdType> owners = fhirContext.newTerser()
				.getCompartmentOwnersForResource("Patient", resource, Set.of());
		return owners.stream()
				.filter(o -> o.hasIdPart() && (!o.hasResourceType() || "Patient".equals(o.getResourceType())))
				.map(IIdType::getIdPart)
				.distinct()
				.toList();
	}

	/** The source-system code the resource is tagged with, if any. */
	static Optional<String> sourceSystem(IBaseResource resource) {
		return resource.getMeta().getTag().stream()
				.filter(t -> SOURCE_SYSTEM_TAG.equals(t.getSystem()) && t.getCode() != null)
				.map(t -> t.getCode())
				.findFirst();
	}

	/** Whether the resource carries exactly the given source's tag (and no other source's). */
	static boolean taggedWithSourceOnly(IBaseResource resource, String sourceSystem) {
		List<String> sources = resource.getMeta().getTag().stream()
				.filter(t -> SOURCE_SYSTEM_TAG.equals(t.getSystem()))
				.map(t -> t.getCode())
				.toList();
		return !sources.isEmpty() && sources.stream().allMatch(sourceSystem::equals);
	}
}
