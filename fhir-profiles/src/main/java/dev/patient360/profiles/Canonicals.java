package dev.patient360.profiles;

import java.util.List;

/**
 * Canonical URLs of the engagement implementation guide (package {@code patient360.engagement}).
 * Every other module takes extension, profile and code system URLs from here, never as literals,
 * so a rename is one change that the compiler follows.
 */
public final class Canonicals {

	private Canonicals() {
	}

	public static final String BASE = "https://fhir.patient360.dev";
	public static final String PACKAGE_NAME = "patient360.engagement";

	private static final String SD = BASE + "/StructureDefinition/";
	private static final String CS = BASE + "/CodeSystem/";
	private static final String VS = BASE + "/ValueSet/";
	private static final String SP = BASE + "/SearchParameter/";

	// Extensions
	public static final String EXT_JOURNEY_STAGE = SD + "engagement-journey-stage";
	public static final String EXT_SEGMENT = SD + "engagement-segment";
	public static final String EXT_ENGAGEMENT_VALUE = SD + "engagement-value";
	public static final String EXT_CONTACT_PREFERENCE = SD + "contact-preference";
	public static final String EXT_SOURCE_RECORD = SD + "source-record";
	public static final String EXT_CONSENT_CHANNEL = SD + "consent-channel";
	public static final String EXT_COMMUNICATION_TRACKING = SD + "communication-tracking";

	// Profiles
	public static final String PROFILE_PATIENT = SD + "engagement-patient";
	public static final String PROFILE_COMMUNICATION_REQUEST = SD + "engagement-communication-request";
	public static final String PROFILE_COMMUNICATION = SD + "engagement-communication";
	public static final String PROFILE_CONSENT = SD + "engagement-consent";

	/** Every profile of the guide; a resource claiming one of these in meta.profile is validated by the hub. */
	public static final List<String> PROFILES = List.of(
			PROFILE_PATIENT, PROFILE_COMMUNICATION_REQUEST, PROFILE_COMMUNICATION, PROFILE_CONSENT);

	// Code systems (each has a ValueSet of the same id with all its codes)
	public static final String CS_JOURNEY_STAGE = CS + "journey-stage";
	public static final String CS_JOURNEY_STAGE_SOURCE = CS + "journey-stage-source";
	public static final String CS_SEGMENT = CS + "engagement-segment";
	public static final String CS_CONTACT_PURPOSE = CS + "contact-purpose";
	public static final String CS_CONTACT_CHANNEL = CS + "contact-channel";
	public static final String CS_VALUE_METHOD = CS + "value-method";
	public static final String CS_DELIVERY_STATUS = CS + "delivery-status";
	public static final String CS_CONSENT_CATEGORY = CS + "consent-category";
	public static final String CS_SOURCE_SYSTEM = CS + "source-system";
	/** Why a planned message was not sent (Communication.statusReason of a not-done Communication). */
	public static final String CS_COMMUNICATION_NOT_DONE_REASON = CS + "communication-not-done-reason";

	public static final String VS_JOURNEY_STAGE = VS + "journey-stage";
	public static final String VS_SEGMENT = VS + "engagement-segment";
	public static final String VS_CONTACT_PURPOSE = VS + "contact-purpose";
	public static final String VS_CONTACT_CHANNEL = VS + "contact-channel";

	// Search parameters: canonical URL and the code used in queries
	public static final String SP_JOURNEY_STAGE = SP + "patient-journey-stage";
	public static final String SP_SEGMENT = SP + "patient-segment";
	public static final String SP_ENGAGEMENT_VALUE = SP + "patient-engagement-value";
	public static final String SP_CONTACT_CHANNEL = SP + "patient-contact-channel";
	public static final String SP_COMMUNICATION_REQUEST_PURPOSE = SP + "communicationrequest-purpose";
	public static final String SEARCH_JOURNEY_STAGE = "journey-stage";
	public static final String SEARCH_SEGMENT = "segment";
	public static final String SEARCH_ENGAGEMENT_VALUE = "engagement-value";
	public static final String SEARCH_CONTACT_CHANNEL = "contact-channel";
	public static final String SEARCH_PURPOSE = "purpose";

	public static final String OPERATION_ENGAGEMENT_SUMMARY = BASE + "/OperationDefinition/engagement-summary";

	/** Identifier of an appointment reminder (request and its Communication): {@code {Appointment id}-appointment-reminder}. */
	public static final String SID_REMINDER = BASE + "/sid/reminder";
	/** Identifier of a reminder the hub decided not to send (not-done Communication), one per appointment and reason. */
	public static final String SID_REMINDER_NOT_DONE = BASE + "/sid/reminder-not-done";

	// Identifier systems of the EngagementPatient slices
	public static final String KVNR_SYSTEM = "http://fhir.de/sid/gkv/kvid-10";
	public static final String V2_IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203";
	public static final String MRN_TYPE_CODE = "MR";

	/** Identifier system of the hub's segment Groups; the value is the segment code. */
	public static final String SID_SEGMENT_GROUP = BASE + "/sid/engagement-segment-group";
}
