package dev.patient360.hub.authorization;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;

import dev.patient360.hub.security.HubPrincipal;
import dev.patient360.hub.security.Interaction;
import dev.patient360.hub.security.Party;
import dev.patient360.hub.security.SmartScope;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Consent;

/**
 * The hub's access rules as pure decisions over a {@link HubPrincipal}, a resource and the
 * {@link AccessFacts} of the request. A caller is allowed something when its SMART scopes grant the
 * interaction on the type <em>and</em> one of its parties allows it for that resource
 * (docs/security.md, "Authorization and scopes", has the table).
 */
final class AccessPolicy {

	static final String AUDIT_EVENT = "AuditEvent";

	/** What an insurer reads of the patients it covers without any consent. */
	static final Set<String> INSURER_TYPES = Set.of(
			"Patient", "Coverage", "Claim", "ClaimResponse", "ExplanationOfBenefit", "Account", "ChargeItem");

	/**
	 * The patient index's operations (docs/patient-index.md): data stewardship, for administrators
	 * and integration engineers only.
	 */
	static final Set<String> STEWARD_OPERATIONS = Set.of(
			"$mdm-query-links", "$mdm-update-link", "$mdm-merge-golden-resources", "$mdm-unmerge", "$merge", "$mdm-submit");

	/** Instance operations on Patient that read the patient's data, decided per resource by consent. */
	static final Set<String> PATIENT_READ_OPERATIONS = Set.of("$everything", "$engagement-summary");

	static final String ENGAGEMENT_RECOMPUTE = "$engagement-recompute";
	/** What outreach (the channel routes) reads: due requests, their patients' addresses, what it recorded. */
	static final Set<String> OUTREACH_READ_TYPES = Set.of("Patient", "CommunicationRequest", "Communication");

	private final ResourceAccess resources;
	private final AuthorizationProperties properties;

	AccessPolicy(ResourceAccess resources, AuthorizationProperties properties) {
		this.resources = resources;
		this.properties = properties;
	}

	/** The SMART interaction a REST operation needs; empty for operations that are not one. */
	static Optional<Interaction> interactionOf(RestOperationTypeEnum operation) {
		return Optional.ofNullable(switch (operation) {
			case READ, VREAD, HISTORY_INSTANCE -> Interaction.READ;
			case SEARCH_TYPE, HISTORY_TYPE -> Interaction.SEARCH;
			case CREATE -> Interaction.CREATE;
			case UPDATE, PATCH -> Interaction.UPDATE;
			case DELETE -> Interaction.DELETE;
			default -> null;
		});
	}

	/**
	 * Whether the caller may attempt the operation on the type at all, before any resource is
	 * known: scopes and parties at the level of types. {@code operationName} is the name of an
	 * extended operation ({@code $everything}), else null.
	 */
	boolean mayAttempt(HubPrincipal principal, RestOperationTypeEnum operation, String resourceType,
			String operationName) {
		if (AUDIT_EVENT.equals(resourceType) && interactionOf(operation).filter(i -> !isRead(i)).isPresent()) {
			// The trail is written by the hub itself, never over REST, whatever the token or mode.
			return principal.kind() == HubPrincipal.Kind.SYSTEM;
		}
		if (principal.unrestricted()) {
			return true;
		}
		switch (operation) {
			case METADATA:
				return true;
			case TRANSACTION, BATCH, GET_PAGE:
				// Each entry and each resource of a page is decided on its own.
				return true;
			case EXTENDED_OPERATION_SERVER:
				// The engagement catch-up batch recomputes every Patient: administrators only.
				return ENGAGEMENT_RECOMPUTE.equals(operationName) && principal.is(Party.ADMIN)
						&& scopeGrants(principal, "Patient", Interaction.UPDATE);
			case EXTENDED_OPERATION_INSTANCE, EXTENDED_OPERATION_TYPE:
				if ("$merge".equals(operationName) && "Patient".equals(resourceType) && principal.is(Party.EHR_SOURCE)
						&& scopeGrants(principal, resourceType, Interaction.UPDATE)) {
					// HL7 v2 A40 from the source's own feed; the operation checks both Patients carry its tag.
					return true;
				}
				if (STEWARD_OPERATIONS.contains(operationName)) {
					return "Patient".equals(resourceType)
							&& (principal.is(Party.ADMIN) || principal.is(Party.INTEGRATION_ENGINEER))
							&& scopeGrants(principal, resourceType, Interaction.READ);
				}
				if (operation == RestOperationTypeEnum.EXTENDED_OPERATION_TYPE && "$validate".equals(operationName)) {
					// Checks the posted body only and reads nothing stored: open to whoever may write the type.
					return resourceType != null && !AUDIT_EVENT.equals(resourceType)
							&& (scopeGrants(principal, resourceType, Interaction.CREATE)
									|| scopeGrants(principal, resourceType, Interaction.UPDATE));
				}
				// The engagement summary reads like $everything: the caller's consent rules decide what it contains.
				return PATIENT_READ_OPERATIONS.contains(operationName) && "Patient".equals(resourceType)
						&& mayAttempt(principal, RestOperationTypeEnum.READ, resourceType, null)
						&& !principal.is(Party.EHR_SOURCE) && !principal.is(Party.OUTREACH);
			default:
				break;
		}
		Optional<Interaction> interaction = interactionOf(operation);
		if (interaction.isEmpty() || resourceType == null) {
			// System-wide search and history, $meta, instance $validate, GraphQL, …: nobody restricted.
			return false;
		}
		if (AUDIT_EVENT.equals(resourceType)) {
			return isRead(interaction.get()) && principal.is(Party.AUDITOR)
					&& scopeGrants(principal, resourceType, interaction.get());
		}
		if (!scopeGrants(principal, resourceType, interaction.get())) {
			return false;
		}
		String type = resourceType;
		return isRead(interaction.get())
				? principal.parties().stream().anyMatch(p -> readsPatientData(p) && (p != Party.OUTREACH || OUTREACH_READ_TYPES.contains(type)))
				: principal.parties().stream().anyMatch(p -> writes(p) && (p != Party.OUTREACH || outreachWrites(type, interaction.get())));
	}

	/** Whether the caller may store this resource (created, updated, or the one deleted). */
	boolean mayWrite(HubPrincipal principal, Interaction interaction, IBaseResource resource) {
		String type = resource.fhirType();
		if (AUDIT_EVENT.equals(type)) {
			return principal.kind() == HubPrincipal.Kind.SYSTEM;
		}
		if (principal.unrestricted()) {
			return true;
		}
		if (!scopeGrants(principal, type, interaction)) {
			return false;
		}
		for (Party party : principal.parties()) {
			boolean allowed = switch (party) {
				case EHR_SOURCE -> principal.sourceSystem()
						.map(source -> ResourceAccess.taggedWithSourceOnly(resource, source))
						.orElse(false);
				case PATIENT -> principal.patientId().map(p -> ownedOnlyBy(resource, p)).orElse(false);
				case ADMIN, INTEGRATION_ENGINEER -> true;
				case OUTREACH -> outreachWrites(type, interaction);
				case PARTNER_CLINIC, INSURER, AUDITOR -> false;
			};
			if (allowed) {
				return true;
			}
		}
		return false;
	}

	/** Whether the caller may see the resource in any response. */
	boolean maySee(HubPrincipal principal, IBaseResource resource, AccessFacts facts) {
		if (principal.unrestricted()) {
			return true;
		}
		String type = resource.fhirType();
		if (AUDIT_EVENT.equals(type)) {
			return principal.is(Party.AUDITOR) && scopeGrantsAnyRead(principal, type);
		}
		if (!scopeGrantsAnyRead(principal, type)) {
			return false;
		}
		for (Party party : principal.parties()) {
			if (seesAs(party, principal, resource, facts)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether the caller only sees the data of certain patients (patient, partner clinic, insurer)
	 * rather than by type alone (the hub itself, ehr-source, admin, integration engineer).
	 */
	static boolean patientBound(HubPrincipal principal) {
		return !principal.unrestricted() && principal.parties().stream().noneMatch(AccessPolicy::unboundToPatients);
	}

	/**
	 * Whether a search parameter may be used by the caller. Chained parameters ({@code a.b},
	 * {@code a:Type.b}) and reverse chains ({@code _has:…}) test resources other than the ones
	 * returned; for a patient-bound caller those may belong to patients it must not see, so a
	 * returned resource of its own patient would answer a question about someone else's.
	 */
	static boolean maySearchWith(HubPrincipal principal, String parameterName) {
		if (!patientBound(principal)) {
			return true;
		}
		String name = parameterName.trim();
		return !name.startsWith("_has") && !name.contains(".");
	}

	/**
	 * The patients whose data the caller's searches are narrowed to; empty when the caller is not
	 * bound to patients (the hub itself, ehr-source, admin, integration-engineer).
	 */
	Optional<Set<String>> patientsVisibleTo(HubPrincipal principal, AccessFacts facts) {
		if (principal.unrestricted() || principal.parties().stream().anyMatch(AccessPolicy::unboundToPatients)) {
			return Optional.empty();
		}
		Set<String> patients = new LinkedHashSet<>();
		for (Party party : principal.parties()) {
			switch (party) {
				case PATIENT -> principal.patientId().ifPresent(patients::add);
				case PARTNER_CLINIC -> principal.organizationId().ifPresent(org -> {
					patients.addAll(facts.patientsConsentingTo(org));
					if (properties.clinicAccessViaCareRelationship()) {
						patients.addAll(facts.patientsInCareOf(org));
					}
				});
				case INSURER -> principal.organizationId().ifPresent(org -> {
					patients.addAll(facts.patientsCoveredBy(org));
					patients.addAll(facts.patientsConsentingTo(org));
				});
				default -> {
				}
			}
		}
		return Optional.of(patients);
	}

	private boolean seesAs(Party party, HubPrincipal principal, IBaseResource resource, AccessFacts facts) {
		String type = resource.fhirType();
		if (party == Party.EHR_SOURCE) {
			return principal.sourceSystem().map(s -> ResourceAccess.taggedWithSourceOnly(resource, s)).orElse(false);
		}
		if (party == Party.ADMIN || party == Party.INTEGRATION_ENGINEER) {
			return true;
		}
		if (party == Party.AUDITOR) {
			return false;
		}
		if (party == Party.OUTREACH) {
			return OUTREACH_READ_TYPES.contains(type);
		}
		if (!resources.inPatientCompartment(type)) {
			return ResourceAccess.SHARED_TYPES.contains(type);
		}
		List<String> owners = resources.patientOwners(resource);
		if (owners.isEmpty()) {
			return false;
		}
		return switch (party) {
			case PATIENT -> principal.patientId().map(p -> owners.stream().allMatch(p::equals)).orElse(false);
			case PARTNER_CLINIC -> principal.organizationId()
					.map(org -> owners.stream().allMatch(patient -> clinicSees(facts, patient, org, type)))
					.orElse(false);
			case INSURER -> principal.organizationId()
					.map(org -> owners.stream().allMatch(patient -> insurerSees(facts, patient, org, type)))
					.orElse(false);
			default -> false;
		};
	}

	private boolean clinicSees(AccessFacts facts, String patient, String org, String type) {
		ConsentRules.Decision decision = consentDecision(facts, patient, org, type, properties.clinicPurposeOfUse());
		if (decision != ConsentRules.Decision.NONE) {
			return decision == ConsentRules.Decision.PERMIT;
		}
		return properties.clinicAccessViaCareRelationship() && facts.patientsInCareOf(org).contains(patient);
	}

	private boolean insurerSees(AccessFacts facts, String patient, String org, String type) {
		ConsentRules.Decision decision = consentDecision(facts, patient, org, type, properties.insurerPurposeOfUse());
		if (decision == ConsentRules.Decision.DENY) {
			return false;
		}
		return decision == ConsentRules.Decision.PERMIT
				|| INSURER_TYPES.contains(type) && facts.patientsCoveredBy(org).contains(patient);
	}

	private static ConsentRules.Decision consentDecision(AccessFacts facts, String patient, String org,
			String type, String purpose) {
		List<Consent> consents = facts.consentsOf(patient);
		return ConsentRules.decide(consents, new ConsentRules.Disclosure(org, type, purpose, facts.now()));
	}

	private boolean ownedOnlyBy(IBaseResource resource, String patientId) {
		if (!resources.inPatientCompartment(resource.fhirType())) {
			return false;
		}
		List<String> owners = resources.patientOwners(resource);
		return !owners.isEmpty() && owners.stream().allMatch(patientId::equals);
	}

	/**
	 * Outreach completes CommunicationRequests (update) and records Communications (create, update for
	 * receipts and bounces); it never deletes, and writes no other type.
	 */
	static boolean outreachWrites(String type, Interaction interaction) {
		return switch (type) {
			case "CommunicationRequest" -> interaction == Interaction.UPDATE;
			case "Communication" -> interaction == Interaction.CREATE || interaction == Interaction.UPDATE;
			default -> false;
		};
	}

	private static boolean readsPatientData(Party party) {
		return party != Party.AUDITOR;
	}

	private static boolean writes(Party party) {
		return switch (party) {
			case EHR_SOURCE, PATIENT, ADMIN, INTEGRATION_ENGINEER, OUTREACH -> true;
			case PARTNER_CLINIC, INSURER, AUDITOR -> false;
		};
	}

	private static boolean unboundToPatients(Party party) {
		return switch (party) {
			case EHR_SOURCE, ADMIN, INTEGRATION_ENGINEER, OUTREACH -> true;
			case PATIENT, PARTNER_CLINIC, INSURER, AUDITOR -> false;
		};
	}

	private static boolean isRead(Interaction interaction) {
		return interaction == Interaction.READ || interaction == Interaction.SEARCH;
	}

	/**
	 * Scopes in the {@code patient/} context only count for a token bound to a patient; {@code user/}
	 * and {@code system/} scopes count for every caller (the parties restrict whose data).
	 */
	static boolean scopeGrants(HubPrincipal principal, String type, Interaction interaction) {
		return principal.scopes().scopes().stream()
				.filter(s -> s.context() != SmartScope.Context.PATIENT || principal.patientId().isPresent())
				.anyMatch(s -> s.grants(type, interaction));
	}

	private static boolean scopeGrantsAnyRead(HubPrincipal principal, String type) {
		return scopeGrants(principal, type, Interaction.READ) || scopeGrants(principal, type, Interaction.SEARCH);
	}
}
