package dev.patient360.hub.testsupport;

import java.util.Date;

import dev.patient360.profiles.Codes.ContactChannel;
import dev.patient360.profiles.Codes.ContactPurpose;
import dev.patient360.profiles.ConsentCodes;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentProvisionType;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;

/** Contact Consents in the IG's shape (category #contact, provision.purpose, consent-channel). */
public final class ContactConsents {

	private ContactConsents() {
	}

	/** Active contact consent: permit (or deny) this purpose on these channels (none = all channels). */
	public static Consent of(String patientId, ConsentProvisionType type, ContactPurpose purpose,
			ContactChannel... channels) {
		Consent c = new Consent();
		c.getMeta().addProfile(dev.patient360.profiles.Canonicals.PROFILE_CONSENT);
		c.setStatus(Consent.ConsentState.ACTIVE);
		c.setScope(new CodeableConcept(ConsentCodes.scopePatientPrivacy()));
		c.addCategory(new CodeableConcept(ConsentCodes.contact()));
		c.setPatient(new Reference(patientId));
		c.setDateTime(new Date());
		// FHIR ppc-1: a Consent names a policy or a policy rule.
		c.setPolicyRule(new CodeableConcept(new org.hl7.fhir.r4.model.Coding(ConsentCodes.POLICY_RULE_SYSTEM,
				type == ConsentProvisionType.PERMIT ? ConsentCodes.POLICY_OPT_IN : ConsentCodes.POLICY_OPT_OUT, null)));
		Consent.ProvisionComponent p = c.getProvision().setType(type);
		if (purpose != null) {
			p.addPurpose(purpose.coding());
		}
		for (ContactChannel ch : channels) {
			ConsentCodes.addChannel(p, ch);
		}
		return c;
	}

	public static Consent permit(String patientId, ContactPurpose purpose, ContactChannel... channels) {
		return of(patientId, ConsentProvisionType.PERMIT, purpose, channels);
	}

	/** The consent limited to a timeframe (provision.period). */
	public static Consent during(Consent consent, Date start, Date end) {
		consent.getProvision().setPeriod(new Period().setStart(start).setEnd(end));
		return consent;
	}
}
