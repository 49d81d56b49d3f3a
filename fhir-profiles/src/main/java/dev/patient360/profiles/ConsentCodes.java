package dev.patient360.profiles;

import java.util.ArrayList;
import java.util.List;

import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Extension;

/**
 * The codes an EngagementConsent is built from and evaluated by (security reads disclosure
 * consents at access time, the engagement engine reads contact consents). Shape: status active,
 * scope patient-privacy, category {@link #CATEGORY_DISCLOSURE} or {@link #CATEGORY_CONTACT} (LOINC
 * 59284-0 may be added), patient, provision.type permit|deny, optional provision.period; disclosure:
 * provision.actor with role {@link #ROLE_RECIPIENT} and reference {@code Organization/{id}}, optional
 * provision.class (resource types; empty = all); contact: provision.purpose from
 * {@link Canonicals#CS_CONTACT_PURPOSE}, channels as {@link Canonicals#EXT_CONSENT_CHANNEL} extensions
 * on the provision (none = all channels). Nested provisions are exceptions.
 */
public final class ConsentCodes {

	private ConsentCodes() {
	}

	public static final String SCOPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/consentscope";
	public static final String SCOPE_PATIENT_PRIVACY = "patient-privacy";

	public static final String CATEGORY_SYSTEM = Canonicals.CS_CONSENT_CATEGORY;
	/** Share the patient's data with a named organization. */
	public static final String CATEGORY_DISCLOSURE = "disclosure";
	/** Be contacted for a purpose (and channels). */
	public static final String CATEGORY_CONTACT = "contact";

	public static final String LOINC_SYSTEM = "http://loinc.org";
	/** LOINC "Consent Document", allowed beside the hub category. */
	public static final String LOINC_CONSENT_DOCUMENT = "59284-0";

	public static final String PARTICIPATION_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
	/** Information recipient: the organization the data is disclosed to. */
	public static final String ROLE_RECIPIENT = "IRCP";

	/** System of provision.class codes (resource types). */
	public static final String RESOURCE_TYPES_SYSTEM = "http://hl7.org/fhir/resource-types";

	public static final String POLICY_RULE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
	public static final String POLICY_OPT_IN = "OPTIN";
	public static final String POLICY_OPT_OUT = "OPTOUT";

	public static Coding scopePatientPrivacy() {
		return new Coding(SCOPE_SYSTEM, SCOPE_PATIENT_PRIVACY, null);
	}

	public static Coding disclosure() {
		return new Coding(CATEGORY_SYSTEM, CATEGORY_DISCLOSURE, null);
	}

	public static Coding contact() {
		return new Coding(CATEGORY_SYSTEM, CATEGORY_CONTACT, null);
	}

	public static Coding recipientRole() {
		return new Coding(PARTICIPATION_TYPE_SYSTEM, ROLE_RECIPIENT, null);
	}

	/** The channels a contact consent's provision applies to; empty = all channels. */
	public static List<Codes.ContactChannel> channels(Consent.ProvisionComponent provision) {
		List<Codes.ContactChannel> out = new ArrayList<>();
		for (Extension e : provision.getExtensionsByUrl(Canonicals.EXT_CONSENT_CHANNEL)) {
			if (e.getValue() instanceof Coding c && Codes.ContactChannel.of(c) != null) {
				out.add(Codes.ContactChannel.of(c));
			}
		}
		return out;
	}

	public static void addChannel(Consent.ProvisionComponent provision, Codes.ContactChannel channel) {
		provision.addExtension(Canonicals.EXT_CONSENT_CHANNEL, channel.coding());
	}
}
