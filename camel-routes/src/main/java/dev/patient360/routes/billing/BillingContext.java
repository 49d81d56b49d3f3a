package dev.patient360.routes.billing;

/**
 * @param connector instance id
 * @param sourceSystem source-system code stamped on every resource
 * @param identifierSystemPrefix prefix of the identifier systems of accounts, charges, coverages, claims
 * @param patientIdentifierSystem system of the patient id column (e.g. the EHR's MRN system)
 * @param codeSystem system of the charge code column (default CPT)
 * @param currency currency when the row has none
 */
public record BillingContext(String connector, String sourceSystem, String identifierSystemPrefix,
		String patientIdentifierSystem, String codeSystem, String currency) {
}
