package dev.patient360.routes.simulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * A billing system's export into a drop folder: CSV files with a header row, one charge per row,
 * written under a temporary name and renamed into place (atomic), as the billing-csv connector
 * expects. Patients come from {@link SyntheaPeople}, so the charges belong to the EHR's patients.
 */
public final class BillingCsvGenerator {

	public static final String HEADER = "charge_id,patient_id,patient_family,patient_given,patient_birth_date,account_number,"
			+ "service_date,code,description,quantity,amount,currency,payer_name,member_id,plan_name,claim_id,provider_name";
	private static final String[][] SERVICES = {
		{"99213", "Office visit, established patient, low complexity", "95.00"},
		{"99214", "Office visit, established patient, moderate complexity", "140.00"},
		{"36415", "Routine venipuncture", "12.50"},
		{"80053", "Comprehensive metabolic panel", "48.00"},
		{"90471", "Immunization administration", "25.00"},
	};
	private static final String[] PAYERS = {"Aetna", "Blue Cross Blue Shield", "Medicare", "UnitedHealthcare"};

	private final Path folder;

	public BillingCsvGenerator(Path folder) throws IOException {
		this.folder = Files.createDirectories(folder);
	}

	public Path folder() {
		return folder;
	}

	/** One row for a person: charge {@code chargeId}, with a claim when {@code withClaim}. */
	public static String row(String chargeId, SyntheaPeople.Person p, int n, LocalDate serviceDate, boolean withClaim) {
		String[] service = SERVICES[Math.floorMod(n, SERVICES.length)];
		String payer = PAYERS[Math.floorMod(p.syntheaId().hashCode(), PAYERS.length)];
		return String.join(",", chargeId, p.syntheaId(), csv(p.family()), csv(p.given()), p.birthDate(),
				"ACC-" + p.syntheaId().substring(0, 8), serviceDate.toString(), service[0], csv(service[1]), "1", service[2], "USD",
				csv(payer), "M" + Math.abs(p.syntheaId().hashCode()), "Standard PPO", withClaim ? "CLM-" + chargeId : "",
				"Main Street Clinic");
	}

	/** Rows for {@code people}, {@code perPerson} charges each, every second one with a claim. */
	public static List<String> rows(List<SyntheaPeople.Person> people, int perPerson, String chargePrefix, LocalDate day) {
		List<String> rows = new ArrayList<>();
		int n = 0;
		for (SyntheaPeople.Person p : people) {
			for (int i = 0; i < perPerson; i++, n++) {
				rows.add(row(chargePrefix + "-" + n, p, n, day.minusDays(i), n % 2 == 0));
			}
		}
		return rows;
	}

	/** Writes {@code name} (a .csv) with the header and rows: first as {@code .name.tmp}, then renamed. */
	public Path write(String name, List<String> rows) throws IOException {
		Path tmp = folder.resolve("." + name + ".tmp");
		StringBuilder s = new StringBuilder(HEADER).append("\r\n");
		rows.forEach(r -> s.append(r).append("\r\n"));
		Files.writeString(tmp, s.toString(), StandardCharsets.UTF_8);
		return Files.move(tmp, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);
	}

	private static String csv(String v) {
		return v.contains(",") || v.contains("\"") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
	}
}
