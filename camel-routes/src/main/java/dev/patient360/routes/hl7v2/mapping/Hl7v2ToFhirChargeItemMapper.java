package dev.patient360.routes.hl7v2.mapping;

import ca.uhn.hl7v2.model.Segment;
import org.hl7.fhir.r4.model.ChargeItem;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Quantity;

import static dev.patient360.routes.hl7v2.mapping.Segments.get;

/** FT1 to ChargeItem, after the IG's "Segment FT1 to ChargeItem" map. */
public final class Hl7v2ToFhirChargeItemMapper {

	private Hl7v2ToFhirChargeItemMapper() {
	}

	/**
	 * @param fallbackId used when FT1-2 (transaction id) is empty: MSH-10 plus FT1-1, stable across resends
	 */
	public static ChargeItem map(Segment ft1, String sourceSystem, String fallbackId) {
		String code = get(ft1, 7);
		if (code.isEmpty()) {
			throw new Hl7v2MappingException("HUB-4014", "FT1-7 holds no transaction code");
		}
		String txId = get(ft1, 2);
		ChargeItem c = new ChargeItem().setStatus(ChargeItem.ChargeItemStatus.BILLABLE);
		c.addIdentifier(new Identifier().setSystem(Hl7v2Types.LOCAL_SYSTEM_PREFIX + "charge:" + sourceSystem)
				.setValue(txId.isEmpty() ? fallbackId : txId));
		c.getCode().addCoding().setCode(code).setDisplay(Hl7v2ToFhirPatientMapper.emptyToNull(get(ft1, 7, 2)))
				.setSystem(Hl7v2ToFhirPatientMapper.emptyToNull(get(ft1, 7, 3).startsWith("http") ? get(ft1, 7, 3) : ""));
		DateTimeType when = Hl7v2Types.dateTime(get(ft1, 4));
		if (when != null) {
			c.setOccurrence(when);
		}
		String qty = get(ft1, 10);
		if (qty.matches("-?\\d+(\\.\\d+)?")) {
			c.setQuantity(new Quantity().setValue(new java.math.BigDecimal(qty)));
		}
		String amount = get(ft1, 11);
		if (amount.matches("-?\\d+(\\.\\d+)?")) {
			c.setPriceOverride(new org.hl7.fhir.r4.model.Money().setValue(new java.math.BigDecimal(amount))
					.setCurrency(get(ft1, 11, 0, 1, 2).isEmpty() ? null : get(ft1, 11, 0, 1, 2)));
		}
		return c;
	}
}
