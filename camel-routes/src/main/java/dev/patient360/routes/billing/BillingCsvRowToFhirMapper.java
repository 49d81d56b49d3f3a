package dev.patient360.routes.billing;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import dev.patient360.profiles.SourceRecord;
import org.hl7.fhir.r4.model.Account;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ChargeItem;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Money;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * One billing CSV row (header → value) → one transaction (pure, no I/O):
 * <ul>
 * <li>Patient: matched by the patient id column in {@code patientIdentifierSystem}, created from the
 * name columns only when the hub has none ({@code ifNoneExist});</li>
 * <li>Account by account number, Coverage by payer + member id (when there is a member id),
 * ChargeItem by charge id (the row key), Claim by claim id (when the row has one): each upserted by
 * its identifier ({@code PUT Type?identifier=...}), so a corrected row makes new versions and an
 * unchanged one writes nothing;</li>
 * <li>one Provenance whose id derives from the row key and content.</li>
 * </ul>
 * A Claim covers the charge of its row: rows of one claim id each replace the Claim's item.
 */
public final class BillingCsvRowToFhirMapper {

	private static final String CLAIM_TYPE = "http://terminology.hl7.org/CodeSystem/claim-type";
	private static final String PRIORITY = "http://terminology.hl7.org/CodeSystem/processpriority";
	private static final String COVERAGE_CLASS = "http://terminology.hl7.org/CodeSystem/coverage-class";

	private BillingCsvRowToFhirMapper() {
	}

	public static Bundle map(Map<String, String> row, BillingColumns columns, BillingContext ctx) {
		Fields f = new Fields(row, columns);
		String chargeId = f.required("charge-id");
		String patientId = f.required("patient-id");
		String accountNumber = f.required("account-number");
		LocalDate serviceDate = date(f.required("service-date"), "service-date");
		String code = f.required("code");
		BigDecimal amount = decimal(f.required("amount"), "amount");
		String currency = f.optional("currency") != null ? f.optional("currency") : ctx.currency();
		BigDecimal quantity = f.optional("quantity") == null ? BigDecimal.ONE : decimal(f.optional("quantity"), "quantity");

		Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		String prefix = ctx.identifierSystemPrefix();

		Patient patient = new Patient();
		patient.addIdentifier(new Identifier().setSystem(ctx.patientIdentifierSystem()).setValue(patientId));
		String family = f.optional("patient-family");
		String given = f.optional("patient-given");
		if (family != null || given != null) {
			HumanName name = patient.addName().setFamily(family);
			if (given != null) {
				name.addGiven(given);
			}
		}
		if (f.optional("patient-birth-date") != null) {
			patient.setBirthDateElement(new DateType(java.sql.Date.valueOf(date(f.optional("patient-birth-date"), "patient-birth-date")),
					TemporalPrecisionEnum.DAY));
		}
		Reference patientRef = add(tx, patient, ctx.patientIdentifierSystem(), patientId, ctx, true);

		Coverage coverage = null;
		Reference coverageRef = null;
		String memberId = f.optional("member-id");
		String payer = f.optional("payer-name");
		if (memberId != null) {
			if (payer == null) {
				throw new BillingMappingException("HUB-5061 a row with a member id has no payer name");
			}
			coverage = new Coverage();
			coverage.setStatus(Coverage.CoverageStatus.ACTIVE);
			coverage.setSubscriberId(memberId);
			coverage.setBeneficiary(patientRef);
			coverage.addPayor(new Reference().setDisplay(payer));
			String plan = f.optional("plan-name");
			if (plan != null) {
				coverage.addClass_().setValue(plan).setName(plan)
						.setType(concept(COVERAGE_CLASS, "plan"));
			}
			coverageRef = add(tx, coverage, prefix + "coverage", payer + "|" + memberId, ctx, false);
		}

		Account account = new Account();
		account.setStatus(Account.AccountStatus.ACTIVE);
		account.addSubject(patientRef);
		account.setName("Account " + accountNumber);
		if (coverageRef != null) {
			account.addCoverage().setCoverage(coverageRef).setPriority(1);
		}
		Reference accountRef = add(tx, account, prefix + "account", accountNumber, ctx, false);

		ChargeItem charge = new ChargeItem();
		charge.setStatus(ChargeItem.ChargeItemStatus.BILLABLE);
		CodeableConcept codeConcept = new CodeableConcept();
		codeConcept.addCoding().setSystem(ctx.codeSystem()).setCode(code).setDisplay(f.optional("code-display"));
		charge.setCode(codeConcept);
		charge.setSubject(patientRef);
		charge.setOccurrence(new DateTimeType(java.sql.Date.valueOf(serviceDate), TemporalPrecisionEnum.DAY));
		charge.setQuantity(new Quantity().setValue(quantity));
		charge.setPriceOverride(new Money().setValue(amount).setCurrency(currency));
		charge.addAccount(accountRef);
		Reference chargeRef = add(tx, charge, prefix + "charge", chargeId, ctx, false);

		String claimId = f.optional("claim-id");
		if (claimId != null) {
			if (coverageRef == null) {
				throw new BillingMappingException("HUB-5062 a row with a claim id has no member id for the claim's insurance");
			}
			Claim claim = new Claim();
			claim.setStatus(Claim.ClaimStatus.ACTIVE);
			claim.setType(concept(CLAIM_TYPE, "professional"));
			claim.setUse(Claim.Use.CLAIM);
			claim.setPatient(patientRef);
			claim.setCreatedElement(new DateTimeType(java.sql.Date.valueOf(serviceDate), TemporalPrecisionEnum.DAY));
			String provider = f.optional("provider-name");
			claim.setProvider(new Reference().setDisplay(provider != null ? provider : ctx.sourceSystem()));
			claim.setPriority(concept(PRIORITY, "normal"));
			claim.addInsurance().setSequence(1).setFocal(true).setCoverage(coverageRef);
			Claim.ItemComponent item = claim.addItem().setSequence(1).setProductOrService(codeConcept.copy())
					.setServiced(new DateType(java.sql.Date.valueOf(serviceDate), TemporalPrecisionEnum.DAY))
					.setQuantity(new Quantity().setValue(quantity))
					.setNet(new Money().setValue(amount.multiply(quantity)).setCurrency(currency));
			item.addExtension().setUrl("http://hl7.org/fhir/StructureDefinition/claim-chargeItem")
					.setValue(new Reference(chargeRef.getReference()));
			claim.setTotal(new Money().setValue(amount.multiply(quantity)).setCurrency(currency));
			add(tx, claim, prefix + "claim", claimId, ctx, false);
		}

		String fingerprint = ctx.connector() + "|" + chargeId + "|" + new java.util.TreeMap<>(row);
		String id = "billing-" + sha(fingerprint);
		Provenance p = new Provenance();
		p.setId(id);
		tx.getEntry().stream().filter(e -> !(e.getResource() instanceof Patient))
				.forEach(e -> p.addTarget(new Reference(e.getFullUrl())));
		p.setRecorded(java.sql.Date.valueOf(serviceDate));
		p.getActivity().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/v3-DataOperation").setCode("UPDATE");
		p.addAgent().setWho(new Reference().setDisplay("connector " + ctx.connector()))
				.getType().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/provenance-participant-type")
				.setCode("author");
		p.addEntity().setRole(Provenance.ProvenanceEntityRole.SOURCE)
				.setWhat(new Reference().setDisplay("billing CSV row of " + ctx.sourceSystem()));
		p.getMeta().addTag(SourceRecord.tag(ctx.sourceSystem()));
		tx.addEntry().setResource(p).getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl("Provenance/" + id);
		return tx;
	}

	/** The row key (charge id) of a row, or an error when it has none. */
	public static String rowKey(Map<String, String> row, BillingColumns columns) {
		return new Fields(row, columns).required("charge-id");
	}

	private static Reference add(Bundle tx, Resource r, String system, String value, BillingContext ctx, boolean createOnly) {
		if (!createOnly) {
			try {
				r.setProperty("identifier", new Identifier().setSystem(system).setValue(value));
			}
			catch (org.hl7.fhir.exceptions.FHIRException e) {
				throw new IllegalStateException(e);
			}
		}
		new SourceRecord(ctx.sourceSystem(), value, ctx.connector(), null).set(r);
		String fullUrl = "urn:uuid:" + UUID.nameUUIDFromBytes((system + "|" + value).getBytes(StandardCharsets.UTF_8));
		Bundle.BundleEntryComponent e = tx.addEntry().setFullUrl(fullUrl).setResource(r);
		String condition = "identifier=" + URLEncoder.encode(system, StandardCharsets.UTF_8) + "%7C"
				+ URLEncoder.encode(value, StandardCharsets.UTF_8);
		if (createOnly) {
			e.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl(r.fhirType()).setIfNoneExist(condition);
		}
		else {
			e.getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(r.fhirType() + "?" + condition);
		}
		return new Reference(fullUrl);
	}

	private static CodeableConcept concept(String system, String code) {
		CodeableConcept c = new CodeableConcept();
		c.addCoding().setSystem(system).setCode(code);
		return c;
	}

	private static LocalDate date(String value, String field) {
		try {
			return LocalDate.parse(value);
		}
		catch (DateTimeException e) {
			throw new BillingMappingException("HUB-5063 column " + field + " is not a date (yyyy-mm-dd)");
		}
	}

	private static BigDecimal decimal(String value, String field) {
		try {
			return new BigDecimal(value);
		}
		catch (NumberFormatException e) {
			throw new BillingMappingException("HUB-5064 column " + field + " is not a number");
		}
	}

	static String sha(String s) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)), 0, 20);
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	private record Fields(Map<String, String> row, BillingColumns columns) {

		String required(String field) {
			String v = optional(field);
			if (v == null) {
				throw new BillingMappingException("HUB-5060 the row has no value in column " + columns.header(field) + " (" + field + ")");
			}
			return v;
		}

		String optional(String field) {
			String v = row.get(columns.header(field));
			return v == null || v.isBlank() ? null : v.strip();
		}
	}
}
