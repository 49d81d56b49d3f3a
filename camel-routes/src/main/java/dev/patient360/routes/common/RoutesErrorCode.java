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
	BULK_DELETE_REFUSED("HUB-5020");

	private final String code;

	RoutesErrorCode(String code) {
		this.code = code;
	}

	public String code() {
		return code;
	}
}
