package dev.patient360.routes.billing;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which CSV header holds which field. Defaults below; an instance overrides any of them with the
 * option {@code column-<field>}, e.g. {@code column-patient-id: MRN}.
 */
public record BillingColumns(Map<String, String> headers) {

	/** Field → default header. Fields marked required in the doc must have a value in every row. */
	static final Map<String, String> DEFAULTS;

	static {
		Map<String, String> d = new LinkedHashMap<>();
		d.put("charge-id", "charge_id");
		d.put("patient-id", "patient_id");
		d.put("patient-family", "patient_family");
		d.put("patient-given", "patient_given");
		d.put("patient-birth-date", "patient_birth_date");
		d.put("account-number", "account_number");
		d.put("service-date", "service_date");
		d.put("code", "code");
		d.put("code-display", "description");
		d.put("quantity", "quantity");
		d.put("amount", "amount");
		d.put("currency", "currency");
		d.put("payer-name", "payer_name");
		d.put("member-id", "member_id");
		d.put("plan-name", "plan_name");
		d.put("claim-id", "claim_id");
		d.put("provider-name", "provider_name");
		DEFAULTS = Map.copyOf(d);
	}

	/** The defaults overridden by an instance's {@code column-*} options. */
	public static BillingColumns of(Map<String, String> options) {
		Map<String, String> headers = new LinkedHashMap<>(DEFAULTS);
		options.forEach((k, v) -> {
			if (k.startsWith("column-") && DEFAULTS.containsKey(k.substring(7))) {
				headers.put(k.substring(7), v);
			}
		});
		return new BillingColumns(Map.copyOf(headers));
	}

	public String header(String field) {
		String h = headers.get(field);
		if (h == null) {
			throw new IllegalArgumentException("unknown billing field " + field);
		}
		return h;
	}
}
