package dev.patient360.hub.authorization;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

import dev.patient360.profiles.Codes.ContactChannel;
import dev.patient360.profiles.Codes.ContactPurpose;
import dev.patient360.profiles.ConsentCodes;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentProvisionType;
import org.hl7.fhir.r4.model.Consent.provisionActorComponent;
import org.hl7.fhir.r4.model.Consent.ProvisionComponent;
import org.hl7.fhir.r4.model.Period;

/**
 * Evaluates a patient's FHIR Consent resources for one disclosure: may the data of resource type
 * {@code T} be shown to Organization {@code O} for purpose {@code P} now?
 *
 * <p>Only privacy consents about disclosure count: status {@code active}, scope
 * {@code patient-privacy}, category {@link #CATEGORY_DISCLOSURE}. A {@code #contact} consent (may
 * the patient be contacted) never permits disclosure.
 *
 * <p>A provision applies when all of its restrictions hold:
 * <ul>
 * <li>{@code period} is the timeframe in which the rule is in force (FHIR: "timeframe for this
 * rule"): now must lie in it;</li>
 * <li>{@code actor}: a recipient ({@code IRCP}) {@code Organization/O}; a permit without recipients
 * permits nobody, a deny without recipients denies everybody;</li>
 * <li>{@code class}: resource types; empty = all types;</li>
 * <li>{@code purpose}: when present, the purpose of the request must be among them;</li>
 * <li>{@code dataPeriod} (which data, by clinical date) is not evaluated yet: a permit that
 * carries one does not apply (fail closed), a deny that carries one applies to all data.</li>
 * </ul>
 * A nested provision is an exception to its parent and, when it applies, overrides it. Across
 * provisions and consents, deny wins over permit; nothing applicable is {@link Decision#NONE}.
 *
 * <p>Contact consents ({@link #decideContact}) answer the other question the IG gives Consent: may
 * the patient be contacted for purpose {@code P} on channel {@code C} at time {@code t}? Same
 * status, scope, period, nesting and deny-wins rules; category {@code #contact}; a provision applies
 * when its {@code purpose} is empty or names {@code P} (contact-purpose code system) and its
 * {@code consent-channel} extensions are empty or name {@code C}. A permit without a purpose permits
 * nothing (fail closed, the IG requires one); a deny without a purpose denies all contact.
 */
public final class ConsentRules {

	static final String SCOPE_SYSTEM = ConsentCodes.SCOPE_SYSTEM;
	static final String SCOPE_PRIVACY = ConsentCodes.SCOPE_PATIENT_PRIVACY;
	static final String CATEGORY_SYSTEM = ConsentCodes.CATEGORY_SYSTEM;
	static final String CATEGORY_DISCLOSURE = ConsentCodes.CATEGORY_DISCLOSURE;
	static final String PARTICIPATION_SYSTEM = ConsentCodes.PARTICIPATION_TYPE_SYSTEM;
	static final String RECIPIENT = ConsentCodes.ROLE_RECIPIENT;
	static final String RESOURCE_TYPES_SYSTEM = ConsentCodes.RESOURCE_TYPES_SYSTEM;

	public enum Decision {
		PERMIT, DENY, NONE
	}

	/**
	 * One disclosure to decide.
	 *
	 * @param organizationId logical id of the recipient Organization
	 * @param resourceType   the type of the data to disclose
	 * @param purpose        v3-ActReason code of the request's purpose of use
	 * @param now            the moment of the request
	 */
	record Disclosure(String organizationId, String resourceType, String purpose, Instant now) {
	}

	/**
	 * One contact to decide.
	 *
	 * @param purpose the purpose of the message
	 * @param channel the channel it would go out on
	 * @param at      when it would be sent
	 */
	public record Contact(ContactPurpose purpose, ContactChannel channel, Instant at) {
	}

	private ConsentRules() {
	}

	/** The decision of all the patient's contact consents together: deny wins, then permit, else none. */
	public static Decision decideContact(Collection<Consent> consents, Contact contact) {
		Decision result = Decision.NONE;
		for (Consent consent : consents) {
			if (!isContactConsent(consent) || !consent.hasProvision()) {
				continue;
			}
			Decision d = evaluateContact(consent.getProvision(), contact);
			if (d == Decision.DENY) {
				return Decision.DENY;
			}
			if (d == Decision.PERMIT) {
				result = Decision.PERMIT;
			}
		}
		return result;
	}

	static boolean isContactConsent(Consent consent) {
		return consent.getStatus() == Consent.ConsentState.ACTIVE
				&& has(consent.getScope(), SCOPE_SYSTEM, SCOPE_PRIVACY)
				&& consent.getCategory().stream().anyMatch(c -> has(c, CATEGORY_SYSTEM, ConsentCodes.CATEGORY_CONTACT));
	}

	private static Decision evaluateContact(ProvisionComponent p, Contact c) {
		if (!contactApplies(p, c)) {
			return Decision.NONE;
		}
		Decision result = isPermit(p) ? Decision.PERMIT : Decision.DENY;
		boolean nestedPermit = false;
		for (ProvisionComponent nested : p.getProvision()) {
			Decision n = evaluateContact(nested, c);
			if (n == Decision.DENY) {
				return Decision.DENY;
			}
			nestedPermit |= n == Decision.PERMIT;
		}
		return nestedPermit ? Decision.PERMIT : result;
	}

	private static boolean contactApplies(ProvisionComponent p, Contact c) {
		if (!inForce(p.getPeriod(), c.at())) {
			return false;
		}
		if (p.getPurpose().isEmpty()) {
			if (isPermit(p)) {
				return false;
			}
		}
		else if (p.getPurpose().stream().noneMatch(c.purpose()::matches)) {
			return false;
		}
		List<ContactChannel> channels = ConsentCodes.channels(p);
		return channels.isEmpty() || channels.contains(c.channel());
	}

	/** The decision of all the patient's consents together: deny wins, then permit, else none. */
	static Decision decide(Collection<Consent> consents, Disclosure disclosure) {
		Decision result = Decision.NONE;
		for (Consent consent : consents) {
			Decision d = decide(consent, disclosure);
			if (d == Decision.DENY) {
				return Decision.DENY;
			}
			if (d == Decision.PERMIT) {
				result = Decision.PERMIT;
			}
		}
		return result;
	}

	static Decision decide(Consent consent, Disclosure disclosure) {
		if (!isDisclosureConsent(consent) || !consent.hasProvision()) {
			return Decision.NONE;
		}
		return evaluate(consent.getProvision(), disclosure);
	}

	/**
	 * Whether the consent could permit some disclosure to the organization now (ignoring resource
	 * types and purpose): the patients to whom a recipient's searches are narrowed.
	 */
	static boolean mayPermitSomethingTo(Consent consent, String organizationId, Instant now) {
		return isDisclosureConsent(consent) && consent.hasProvision()
				&& permitsSomething(consent.getProvision(), organizationId, now);
	}

	private static boolean permitsSomething(ProvisionComponent p, String organizationId, Instant now) {
		if (!inForce(p.getPeriod(), now)) {
			return false;
		}
		if (isPermit(p) && !p.hasDataPeriod()
				&& namesRecipient(p.getActor(), organizationId)) {
			return true;
		}
		return p.getProvision().stream().anyMatch(n -> permitsSomething(n, organizationId, now));
	}

	static boolean isDisclosureConsent(Consent consent) {
		return consent.getStatus() == Consent.ConsentState.ACTIVE
				&& has(consent.getScope(), SCOPE_SYSTEM, SCOPE_PRIVACY)
				&& consent.getCategory().stream().anyMatch(c -> has(c, CATEGORY_SYSTEM, CATEGORY_DISCLOSURE));
	}

	private static Decision evaluate(ProvisionComponent p, Disclosure d) {
		if (!applies(p, d)) {
			// Nested provisions are exceptions within their parent: they never reach further.
			return Decision.NONE;
		}
		Decision result = isPermit(p) ? Decision.PERMIT : Decision.DENY;
		boolean nestedPermit = false;
		for (ProvisionComponent nested : p.getProvision()) {
			Decision n = evaluate(nested, d);
			if (n == Decision.DENY) {
				return Decision.DENY;
			}
			nestedPermit |= n == Decision.PERMIT;
		}
		return nestedPermit ? Decision.PERMIT : result;
	}

	private static boolean applies(ProvisionComponent p, Disclosure d) {
		boolean permit = isPermit(p);
		if (!inForce(p.getPeriod(), d.now())) {
			return false;
		}
		if (permit && p.hasDataPeriod()) {
			return false;
		}
		if (p.getActor().isEmpty()) {
			if (permit) {
				return false;
			}
		}
		else if (!namesRecipient(p.getActor(), d.organizationId())) {
			return false;
		}
		if (!p.getClass_().isEmpty()
				&& p.getClass_().stream().noneMatch(c -> RESOURCE_TYPES_SYSTEM.equals(c.getSystem())
						&& d.resourceType().equals(c.getCode()))) {
			return false;
		}
		return p.getPurpose().isEmpty()
				|| p.getPurpose().stream().anyMatch(c -> c.hasCode() && c.getCode().equals(d.purpose()));
	}

	/** A provision without a type is read as a deny (fail closed): only an explicit permit discloses. */
	private static boolean isPermit(ProvisionComponent p) {
		return p.getType() == ConsentProvisionType.PERMIT;
	}

	private static boolean namesRecipient(List<provisionActorComponent> actors, String organizationId) {
		String reference = "Organization/" + organizationId;
		return actors.stream().anyMatch(a -> has(a.getRole(), PARTICIPATION_SYSTEM, RECIPIENT)
				&& a.getReference().hasReference()
				&& reference.equals(stripBase(a.getReference().getReference())));
	}

	private static String stripBase(String reference) {
		String[] parts = reference.split("/");
		if (parts.length >= 2 && !"_history".equals(parts[parts.length - 2])) {
			return parts[parts.length - 2] + "/" + parts[parts.length - 1];
		}
		return reference;
	}

	private static boolean inForce(Period period, Instant now) {
		if (period == null || period.isEmpty()) {
			return true;
		}
		if (period.hasStart() && now.isBefore(period.getStart().toInstant())) {
			return false;
		}
		return !period.hasEnd() || !now.isAfter(period.getEnd().toInstant());
	}

	private static boolean has(CodeableConcept concept, String system, String code) {
		return concept != null && concept.getCoding().stream().anyMatch(c -> is(c, system, code));
	}

	private static boolean is(Coding coding, String system, String code) {
		return system.equals(coding.getSystem()) && code.equals(coding.getCode());
	}
}
