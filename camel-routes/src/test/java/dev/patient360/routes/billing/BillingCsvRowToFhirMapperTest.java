package dev.patient360.routes.billing;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.patient360.routes.testsupport.Golden;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ChargeItem;
import org.hl7.fhir.r4.model.Claim;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each row of {@code src/test/resources/billing/charges-with-and-without-claim.csv} maps to exactly
 * the transaction in {@code billing/golden/<file>-row-<n>.json}, and every resource in it is valid.
 */
class BillingCsvRowToFhirMapperTest {

	private static final Path CSV = Path.of("src/test/resources/billing/charges-with-and-without-claim.csv");
	private static final Path GOLDEN = Path.of("src/test/resources/billing/golden");
	private static final BillingContext CTX = new BillingContext("billing-1", "demo-billing",
			"https://fhir.patient360.dev/source/demo-billing/", "https://github.com/synthetichealth/synthea",
			"http://www.ama-assn.org/go/cpt", "USD");
	private static final BillingColumns DEFAULT_COLUMNS = BillingColumns.of(Map.of());

	@Test
	void everyRowMapsToItsGoldenTransactionOfValidResources() throws Exception {
		List<Map<String, String>> rows = rows(Files.readString(CSV));
		assertThat(rows).hasSize(2);
		for (int i = 0; i < rows.size(); i++) {
			Bundle tx = BillingCsvRowToFhirMapper.map(rows.get(i), DEFAULT_COLUMNS, CTX);
			Golden.assertMatches(tx, GOLDEN.resolve("charges-with-and-without-claim-row-" + (i + 2) + ".json"));
			assertThat(Golden.validationErrors(tx)).as("row " + (i + 2)).isEmpty();
		}
	}

	@Test
	void aRowWithAClaimIdAlsoMakesAClaimAndOneWithoutDoesNot() throws Exception {
		List<Map<String, String>> rows = rows(Files.readString(CSV));
		Bundle withClaim = BillingCsvRowToFhirMapper.map(rows.get(0), DEFAULT_COLUMNS, CTX);
		assertThat(types(withClaim)).containsExactly("Patient", "Coverage", "Account", "ChargeItem", "Claim", "Provenance");
		Claim claim = (Claim) withClaim.getEntry().get(4).getResource();
		assertThat(claim.getTotal().getValue()).isEqualByComparingTo("140.00");
		assertThat(claim.getInsuranceFirstRep().getCoverage().getReference()).isEqualTo(withClaim.getEntry().get(1).getFullUrl());

		Bundle withoutClaim = BillingCsvRowToFhirMapper.map(rows.get(1), DEFAULT_COLUMNS, CTX);
		assertThat(types(withoutClaim)).containsExactly("Patient", "Account", "ChargeItem", "Provenance");
		ChargeItem charge = (ChargeItem) withoutClaim.getEntry().get(2).getResource();
		assertThat(charge.getQuantity().getValue()).isEqualByComparingTo("2");
		assertThat(charge.getPriceOverride().getCurrency()).isEqualTo("USD");
	}

	@Test
	void columnsAreMappedByTheInstancesHeaderNames() {
		Map<String, String> row = new LinkedHashMap<>();
		row.put("TXN", "T-9");
		row.put("MRN", "p-1");
		row.put("ACCT", "A-1");
		row.put("DOS", "2026-10-01");
		row.put("CPT", "99213");
		row.put("CHARGE", "95");
		BillingColumns columns = BillingColumns.of(Map.of("column-charge-id", "TXN", "column-patient-id", "MRN",
				"column-account-number", "ACCT", "column-service-date", "DOS", "column-code", "CPT", "column-amount", "CHARGE"));

		Bundle tx = BillingCsvRowToFhirMapper.map(row, columns, CTX);

		assertThat(tx.getEntry().get(2).getRequest().getUrl())
				.isEqualTo("ChargeItem?identifier=https%3A%2F%2Ffhir.patient360.dev%2Fsource%2Fdemo-billing%2Fcharge%7CT-9");
		assertThat(BillingCsvRowToFhirMapper.rowKey(row, columns)).isEqualTo("T-9");
	}

	@Test
	void aBadRowIsRefusedWithACodeNamingTheColumnButNotItsValue() throws Exception {
		Map<String, String> good = rows(Files.readString(CSV)).get(0);
		Map<String, String> noPatient = new LinkedHashMap<>(good);
		noPatient.put("patient_id", "");
		assertThatThrownBy(() -> BillingCsvRowToFhirMapper.map(noPatient, DEFAULT_COLUMNS, CTX))
				.hasMessageStartingWith("HUB-5060").hasMessageContaining("patient_id");
		Map<String, String> badAmount = new LinkedHashMap<>(good);
		badAmount.put("amount", "one hundred forty");
		assertThatThrownBy(() -> BillingCsvRowToFhirMapper.map(badAmount, DEFAULT_COLUMNS, CTX))
				.hasMessageStartingWith("HUB-5064").hasMessageNotContaining("one hundred");
		Map<String, String> badDate = new LinkedHashMap<>(good);
		badDate.put("service_date", "19/11/2026");
		assertThatThrownBy(() -> BillingCsvRowToFhirMapper.map(badDate, DEFAULT_COLUMNS, CTX)).hasMessageStartingWith("HUB-5063");
		Map<String, String> claimWithoutCoverage = new LinkedHashMap<>(good);
		claimWithoutCoverage.put("member_id", "");
		assertThatThrownBy(() -> BillingCsvRowToFhirMapper.map(claimWithoutCoverage, DEFAULT_COLUMNS, CTX))
				.hasMessageStartingWith("HUB-5062");
	}

	private static List<String> types(Bundle b) {
		return b.getEntry().stream().map(e -> e.getResource().fhirType()).toList();
	}

	private static List<Map<String, String>> rows(String csv) throws Exception {
		try (CSVParser p = CSVParser.builder().setReader(new StringReader(csv))
				.setFormat(CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get()).get()) {
			return p.getRecords().stream().map(CSVRecord::toMap).toList();
		}
	}
}
