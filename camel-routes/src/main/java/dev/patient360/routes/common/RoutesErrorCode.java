package dev.patient360.routes.common;

/**
 * Stable error codes of the connector app (HUB-40xx; pull connectors and their kit HUB-50xx; channels HUB-60xx), as they appear in ACK ERR
 * segments, dead letters, API answers and logs. The code stays, the text may change.
 * {@code RoutesErrorCodeTest} checks that every code used in the sources is listed here.
 */
public enum RoutesErrorCode {
	/** The embedded PostgreSQL of the connector app could not start. */
	EMBEDDED_DB_START("HUB-4001"),
	/** The token endpoint refused the client credentials or did not answer with a token. */
	TOKEN_REQUEST_FAILED("HUB-4002"),
	/** An MLLP frame without an MSH segment or MSH-10: AR. */
	HL7V2_NO_MSH("HUB-4003"),
	/** An MLLP frame that is not parseable ER7: AR (or a dead letter when found later). */
	HL7V2_UNPARSEABLE("HUB-4004"),
	/** A message type without a mapping, refused by configuration: AR. */
	HL7V2_UNSUPPORTED_TYPE("HUB-4005"),
	/** The inbox database is unavailable: AE, the sender resends. */
	HL7V2_INBOX_UNAVAILABLE("HUB-4006"),
	/** The inbox processor could not read or process pending messages; it tries again next poll. */
	HL7V2_PROCESSING_FAILED("HUB-4007"),
	/** After-commit listener: the hub has not committed the message in time: AE. */
	HL7V2_NOT_YET_COMMITTED("HUB-4008"),
	/** After-commit listener: the message became a dead letter: AR. */
	HL7V2_NOT_APPLIED("HUB-4009"),
	/** Mapping: no mapping for the message type. */
	MAPPING_UNSUPPORTED_TYPE("HUB-4010"),
	/** Mapping: the message structure could not be read. */
	MAPPING_STRUCTURE("HUB-4011"),
	/** Mapping: no PID or no PID-3 patient identifier. */
	MAPPING_NO_PATIENT_ID("HUB-4012"),
	/** Mapping: SIU without SCH-1/SCH-2 appointment id. */
	MAPPING_NO_APPOINTMENT_ID("HUB-4013"),
	/** Mapping: DFT without FT1, or FT1 without FT1-7 transaction code. */
	MAPPING_NO_CHARGE("HUB-4014"),
	/** Mapping: A40 without MRG-1. */
	MAPPING_NO_PRIOR_PATIENT("HUB-4015"),
	/** Mapping: a resource without a source identifier to upsert by. */
	MAPPING_NO_KEY("HUB-4016"),
	/** No source-system code: neither configured nor in the token's {@code source_system} claim. */
	NO_SOURCE_SYSTEM("HUB-4017"),
	/** The hub is unavailable (5xx, 429, 408, network): retried with backoff. */
	HUB_UNAVAILABLE("HUB-4020"),
	/** The hub refused the transaction (4xx): dead letter. */
	HUB_REJECTED("HUB-4021"),
	/** The hub answered 409 (version conflict with a concurrent write): retried a few times, then HUB-4021. */
	HUB_CONFLICT("HUB-4022"),
	/** HL7 v2 ADT^A40: the message's transaction was applied but the hub refused its Patient/$merge: dead letter. */
	HL7V2_MERGE_REFUSED("HUB-4060"),
	/** Dead-letter API: the letter is not OPEN any more. */
	DEAD_LETTER_NOT_OPEN("HUB-4030"),
	/** Dead-letter API: the letter has no inbox to retry from. */
	DEAD_LETTER_NOT_RETRYABLE("HUB-4031"),
	/** The connector app's database was unreachable at start; its schema is created once it answers. */
	ROUTES_DB_UNAVAILABLE_AT_START("HUB-4032"),
	/** The hub or token endpoint refuses the connector's credentials (401/403 with a fresh token): retried, health DOWN. */
	HUB_CREDENTIALS_REFUSED("HUB-4033"),
	/** Connector kit: the SMART backend-services private key cannot be read or used to sign. */
	SOURCE_KEY_UNUSABLE("HUB-5001"),
	/** Connector kit: the source's token endpoint refused the client assertion or sent no token. */
	SOURCE_TOKEN_FAILED("HUB-5002"),
	/** Connector kit: the source answered an error (or kept answering 429/503); the pull resumes next run. */
	SOURCE_ERROR("HUB-5003"),
	/** Connector kit: option {@code max-requests-per-second} is not a number of 0 or more; the run fails. */
	SOURCE_THROTTLE_INVALID("HUB-5004"),
	/** fhir-r4: a resource on a search page has no id. */
	FHIR_R4_NO_ID("HUB-5010"),
	/** fhir-r4: a resource type without an identifier element cannot be upserted by source id. */
	FHIR_R4_NO_IDENTIFIER("HUB-5011"),
	/** Channels: the patient has no address for the request's channel; recorded as a not-done Communication. */
	CHANNEL_NO_ADDRESS("HUB-6050"),
	/**
	 * Channels: a delivery was claimed but the app stopped before its outcome was recorded. It is not
	 * sent again (at most once); the Communication says {@code unknown} and a dead letter tells the operator.
	 */
	CHANNEL_OUTCOME_UNKNOWN("HUB-6051"),
	/** Channels: the SMS gateway refused the message (4xx): Communication failed, dead letter. */
	SMS_GATEWAY_REJECTED("HUB-6052"),
	/** Channels: the SMS gateway is unavailable (5xx, network): retried. */
	SMS_GATEWAY_UNAVAILABLE("HUB-6053"),
	/** Channels: the SMTP server refused the message permanently: Communication failed, dead letter. */
	SMTP_REJECTED("HUB-6054"),
	/** Channels: an SMS receipt without a valid signature: 401. */
	SMS_RECEIPT_UNAUTHENTICATED("HUB-6055"),
	/** Channels: an SMS receipt that is not the documented JSON (reference, status): 400. */
	SMS_RECEIPT_INVALID("HUB-6056"),
	/** Channels: SMS receipts arrive but no receipt secret is configured: 503, nothing stored. */
	SMS_RECEIPTS_NOT_CONFIGURED("HUB-6057"),
	/** Channels: the request's medium is neither email nor sms, or it has no payload text or subject. */
	CHANNEL_REQUEST_UNUSABLE("HUB-6058"),
	/** Channels: an SMS receipt for a message this app did not send: 404. */
	SMS_RECEIPT_UNKNOWN("HUB-6059"),
	/** fhir-bulk: the source refused the {@code $export} kick-off or answered it without a status URL. */
	BULK_KICK_OFF_REFUSED("HUB-5012"),
	/** fhir-bulk: the export job failed or is gone at the source; the next run starts a new one. */
	BULK_JOB_FAILED("HUB-5013"),
	/** fhir-bulk: the export was not complete within {@code poll-timeout}; the next run polls the same job. */
	BULK_POLL_TIMEOUT("HUB-5014"),
	/** fhir-bulk: the completion manifest is not usable (not JSON, no transactionTime, a file without url). */
	BULK_MANIFEST_INVALID("HUB-5015"),
	/** fhir-bulk: an NDJSON line is not a FHIR resource of the file's type: dead letter. */
	BULK_LINE_INVALID("HUB-5016"),
	/** Connector kit: the hub refused a source record for good (4xx): dead letter, the pull goes on. */
	SOURCE_RECORD_REJECTED("HUB-5018"),
	/** fhir-bulk: the source refused an export file with a permanent 4xx: dead letter, the export goes on. */
	BULK_FILE_REFUSED("HUB-5019"),
	/** fhir-bulk: the hub refused to delete records the source reports deleted: dead letter, the export goes on. */
	BULK_DELETE_REFUSED("HUB-5020"),
	/** fhir-r4 patient-scoped: a hub Patient's identifier matches no Patient at the source; skipped this run. */
	PATIENT_SCOPE_UNKNOWN_AT_SOURCE("HUB-5021"),
	/** fhir-r4 patient-scoped: a hub Patient's identifier matches several source Patients; skipped. */
	PATIENT_SCOPE_AMBIGUOUS("HUB-5022"),
	/** fhir-r4 patient-scoped: the source refuses a patient's search for good (4xx); that patient is skipped this run. */
	PATIENT_SCOPE_REFUSED("HUB-5023"),
	/** fhir-r4: an instance's mode or resource types cannot run; the app does not start. */
	FHIR_R4_BAD_MODE("HUB-5024"),
	/** scheduling-json: a booking without a uid (dead letter). */
	SCHEDULING_NO_UID("HUB-5040"),
	/** scheduling-json: a booking status without a mapping (dead letter). */
	SCHEDULING_UNKNOWN_STATUS("HUB-5041"),
	/** Scheduling: an attendee or organizer without an e-mail address to match by (dead letter). */
	SCHEDULING_NO_EMAIL("HUB-5042"),
	/** scheduling-json: a booking without a readable start and end, or ending before it starts (dead letter). */
	SCHEDULING_BAD_TIMES("HUB-5043"),
	/** scheduling-json: a booking without attendee, host or location (dead letter). */
	SCHEDULING_NO_PARTICIPANT("HUB-5044"),
	/** scheduling-json: the bookings answer has no data array; the pull resumes next run. */
	SCHEDULING_BAD_PAGE("HUB-5045"),
	/** Scheduling: a record failed for a reason without its own code (dead letter). */
	SCHEDULING_RECORD_FAILED("HUB-5046"),
	/** scheduling-json: the variable named by api-key-env is not set; the pull fails. */
	SCHEDULING_NO_API_KEY("HUB-5047"),
	/** scheduling-json availability: an event type or slots answer that cannot be read; the availability pull fails. */
	SCHEDULING_BAD_SLOTS("HUB-5048"),
	/** scheduling-json availability: an event type with neither an owner e-mail nor a place (a Schedule needs an actor). */
	SCHEDULING_NO_SCHEDULE_ACTOR("HUB-5049"),
	/** ical-feed: a VEVENT without UID (dead letter). */
	ICAL_NO_UID("HUB-5050"),
	/** ical-feed: a VEVENT whose SEQUENCE is not a number (dead letter). */
	ICAL_BAD_SEQUENCE("HUB-5051"),
	/** ical-feed: a VEVENT without a readable DTSTART, or with an unreadable DTEND/DURATION (dead letter). */
	ICAL_BAD_TIMES("HUB-5052"),
	/** ical-feed: a VEVENT without attendee, organizer or location (dead letter). */
	ICAL_NO_PARTICIPANT("HUB-5053"),
	/** ical-feed: the feed is not parseable iCalendar; the pull resumes next run. */
	ICAL_UNPARSEABLE("HUB-5054"),
	/** Webhook: the signature header is missing or does not match the body: 401, nothing stored. */
	WEBHOOK_BAD_SIGNATURE("HUB-5055"),
	/** Webhook: no instance with this id and a webhook secret: 404. */
	WEBHOOK_UNKNOWN_INSTANCE("HUB-5056"),
	/** Webhook: the variable named by webhook-secret-env is not set: 503. */
	WEBHOOK_NO_SECRET("HUB-5057"),
	/** Webhook: the inbox database is unavailable: 503, the sender retries. */
	WEBHOOK_INBOX_UNAVAILABLE("HUB-5058"),
	/** Webhook: a stored delivery is not JSON (dead letter). */
	WEBHOOK_NOT_JSON("HUB-5059"),
	/** billing-csv: a row without a value in a required column (dead letter with file and row). */
	BILLING_MISSING_VALUE("HUB-5060"),
	/** billing-csv: a row with a member id but no payer name (dead letter). */
	BILLING_NO_PAYER("HUB-5061"),
	/** billing-csv: a row with a claim id but no member id for the claim's insurance (dead letter). */
	BILLING_CLAIM_WITHOUT_COVERAGE("HUB-5062"),
	/** billing-csv: a date column that is not yyyy-mm-dd (dead letter). */
	BILLING_BAD_DATE("HUB-5063"),
	/** billing-csv: a number column that is not a number (dead letter). */
	BILLING_BAD_NUMBER("HUB-5064"),
	/** billing-csv: the instance's base-url is not a file: URI; the app does not start. */
	BILLING_NOT_A_FOLDER("HUB-5065"),
	/** billing-csv: the file has no row-key column; moved to .error. */
	BILLING_NO_KEY_COLUMN("HUB-5066"),
	/** billing-csv: the file is not readable CSV; moved to .error. */
	BILLING_UNREADABLE_FILE("HUB-5067"),
	/** Connector kit: an instance names its own hub client but its secret variable is not set. */
	INSTANCE_HUB_CLIENT_NO_SECRET("HUB-5068");

	private final String code;

	RoutesErrorCode(String code) {
		this.code = code;
	}

	public String code() {
		return code;
	}
}
