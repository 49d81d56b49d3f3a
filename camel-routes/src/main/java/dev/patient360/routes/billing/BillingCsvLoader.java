package dev.patient360.routes.billing;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.patient360.routes.common.HubClient;
import dev.patient360.routes.deadletter.DeadLetters;
import dev.patient360.routes.kit.ConnectorState;
import dev.patient360.routes.kit.ConnectorsProperties;
import dev.patient360.routes.kit.InstanceHubClients;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Loads one CSV file of a {@code billing-csv} instance, then moves it to {@code .done/} (or to
 * {@code .error/} when it cannot be read as CSV at all). A file whose content (SHA-256) was loaded
 * before is moved without loading; a row whose key was loaded with the same content is skipped, one
 * with changed content (a correction) is loaded again. A row that cannot be mapped, or that the hub
 * refuses, becomes a dead letter naming the file and row number, and the rest of the file still
 * loads. While the hub is unavailable the file stays where it is and is picked up again.
 */
@Component
public class BillingCsvLoader {

	public static final String TYPE = "billing-csv";
	static final String STATE_TYPE = "ChargeItem";
	private static final Logger log = LoggerFactory.getLogger(BillingCsvLoader.class);

	/** What happened to one file. */
	public record FileResult(String file, boolean alreadyLoaded, int loaded, int unchanged, int failed) {
	}

	private final Map<String, ConnectorsProperties.Instance> instances;
	private final ConnectorState state;
	private final InstanceHubClients hubs;
	private final DeadLetters deadLetters;
	private final JdbcClient jdbc;

	BillingCsvLoader(ConnectorsProperties props, ConnectorState state, InstanceHubClients hubs, DeadLetters deadLetters,
			JdbcClient jdbc) {
		this.instances = props.instances().stream().filter(i -> TYPE.equals(i.type()))
				.collect(Collectors.toMap(ConnectorsProperties.Instance::id, i -> i));
		this.state = state;
		this.hubs = hubs;
		this.deadLetters = deadLetters;
		this.jdbc = jdbc;
	}

	/** The drop folder of an instance: {@code base-url} as a {@code file:} URI. */
	public static Path folder(ConnectorsProperties.Instance instance) {
		if (!"file".equalsIgnoreCase(instance.baseUrl().getScheme())) {
			throw new IllegalStateException("HUB-5065 billing-csv instance " + instance.id() + " needs a file: base-url");
		}
		return Path.of(instance.baseUrl());
	}

	/** Loads {@code file} and moves it to .done or .error; the hub being unavailable leaves it in place. */
	public FileResult load(String instanceId, Path file) throws IOException, InterruptedException {
		ConnectorsProperties.Instance instance = instances.get(instanceId);
		if (instance == null) {
			throw new IllegalArgumentException("no " + TYPE + " instance " + instanceId);
		}
		try {
			return loadFile(instance, file);
		}
		catch (HubClient.HubUnavailableException | IllegalStateException e) {
			// The file stays in the folder; the next poll reads it again (loaded rows are skipped).
			state.failed(instance.id(), STATE_TYPE, e.getMessage());
			throw e;
		}
	}

	private FileResult loadFile(ConnectorsProperties.Instance instance, Path file) throws IOException, InterruptedException {
		byte[] bytes = Files.readAllBytes(file);
		String fileName = file.getFileName().toString();
		String sha = sha256(bytes);
		boolean seen = jdbc.sql("select count(*) from billing_file where instance = ? and sha256 = ?")
				.params(instance.id(), sha).query(Long.class).single() > 0;
		if (seen) {
			log.info("connector {}: {} was loaded before (same content), moved to .done", instance.id(), fileName);
			move(file, ".done");
			return new FileResult(fileName, true, 0, 0, 0);
		}
		BillingColumns columns = BillingColumns.of(instance.options());
		BillingContext ctx = context(instance);
		int loaded = 0;
		int unchanged = 0;
		int failed = 0;
		CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true)
				.setIgnoreEmptyLines(true).setDelimiter(instance.options().getOrDefault("delimiter", ",").charAt(0)).get();
		try (CSVParser parser = CSVParser.builder().setReader(new StringReader(new String(bytes, StandardCharsets.UTF_8)))
				.setFormat(format).get()) {
			if (!parser.getHeaderMap().containsKey(columns.header("charge-id"))) {
				throw new IllegalArgumentException("HUB-5066 the file has no " + columns.header("charge-id") + " column");
			}
			for (CSVRecord record : parser) {
				// The header is line 1; rows count from 2 as a spreadsheet shows them.
				long rowNumber = record.getRecordNumber() + 1;
				Map<String, String> row = new LinkedHashMap<>(record.toMap());
				String raw = String.join(",", record.values());
				Outcome outcome = loadRow(instance, ctx, columns, fileName, rowNumber, row, raw);
				switch (outcome) {
					case LOADED -> loaded++;
					case UNCHANGED -> unchanged++;
					case FAILED -> failed++;
				}
			}
		}
		catch (IllegalArgumentException | java.io.UncheckedIOException e) {
			String error = e.getMessage() != null && e.getMessage().startsWith("HUB-") ? e.getMessage()
					: "HUB-5067 the file is not readable CSV: " + e.getClass().getSimpleName();
			deadLetters.add(instance.id(), fileName, TYPE + "/" + fileName, "billing-csv-file",
					new String(bytes, StandardCharsets.UTF_8), error.substring(0, 8), error);
			state.failed(instance.id(), STATE_TYPE, error);
			move(file, ".error");
			log.warn("connector {}: {} moved to .error: {}", instance.id(), fileName, error);
			return new FileResult(fileName, false, loaded, unchanged, failed + 1);
		}
		jdbc.sql("insert into billing_file (instance, sha256, file_name, rows_loaded, rows_failed) values (?, ?, ?, ?, ?) "
				+ "on conflict do nothing").params(instance.id(), sha, fileName, loaded, failed).update();
		state.read(instance.id(), STATE_TYPE, loaded + unchanged + failed);
		state.pageCommitted(instance.id(), STATE_TYPE, Instant.now(), loaded);
		// The file holds the source's state as of when it was written.
		state.succeeded(instance.id(), STATE_TYPE, Files.getLastModifiedTime(file).toInstant());
		move(file, ".done");
		log.info("connector {}: {} loaded: {} row(s) written, {} unchanged, {} dead-lettered", instance.id(), fileName, loaded,
				unchanged, failed);
		return new FileResult(fileName, false, loaded, unchanged, failed);
	}

	private enum Outcome { LOADED, UNCHANGED, FAILED }

	private Outcome loadRow(ConnectorsProperties.Instance instance, BillingContext ctx, BillingColumns columns, String fileName,
			long rowNumber, Map<String, String> row, String raw) throws InterruptedException {
		String where = fileName + "#" + rowNumber;
		try {
			String key = BillingCsvRowToFhirMapper.rowKey(row, columns);
			String rowSha = sha256(new java.util.TreeMap<>(row).toString().getBytes(StandardCharsets.UTF_8));
			Optional<String> before = jdbc.sql("select sha256 from billing_row where instance = ? and row_key = ?")
					.params(instance.id(), key).query(String.class).optional();
			if (before.isPresent() && before.get().equals(rowSha)) {
				return Outcome.UNCHANGED;
			}
			hubs.of(instance).transaction(BillingCsvRowToFhirMapper.map(row, columns, ctx));
			jdbc.sql("""
					insert into billing_row (instance, row_key, sha256, file_name, row_number) values (?, ?, ?, ?, ?)
					on conflict (instance, row_key) do update set sha256 = excluded.sha256, file_name = excluded.file_name,
					  row_number = excluded.row_number, loaded_at = now()""")
					.params(instance.id(), key, rowSha, fileName, (int) rowNumber).update();
			return Outcome.LOADED;
		}
		catch (BillingMappingException | HubClient.HubRejectedException e) {
			String code = e.getMessage().substring(0, 8);
			deadLetters.add(instance.id(), where, TYPE + "/" + where, "billing-csv-row", raw, code, e.getMessage() + " (" + where + ")");
			log.warn("connector {}: {} row {} dead-lettered: {}", instance.id(), fileName, rowNumber, code);
			return Outcome.FAILED;
		}
	}

	static BillingContext context(ConnectorsProperties.Instance instance) {
		String prefix = instance.options().getOrDefault("identifier-system-prefix",
				"https://fhir.patient360.dev/source/" + instance.sourceSystem() + "/");
		return new BillingContext(instance.id(), instance.sourceSystem(), prefix,
				instance.options().getOrDefault("patient-identifier-system", prefix + "patient"),
				instance.options().getOrDefault("code-system", "http://www.ama-assn.org/go/cpt"),
				instance.options().getOrDefault("currency", "USD"));
	}

	private static void move(Path file, String folder) throws IOException {
		Path target = Files.createDirectories(file.resolveSibling(folder)).resolve(file.getFileName());
		if (Files.exists(target)) {
			target = target.resolveSibling(file.getFileName() + "." + System.currentTimeMillis());
		}
		Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
	}

	static String sha256(byte[] bytes) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}
}
