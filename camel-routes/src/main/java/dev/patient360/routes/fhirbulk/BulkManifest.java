package dev.patient360.routes.fhirbulk;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The completion manifest of a Bulk Data export (pure): {@code transactionTime}, the {@code output}
 * NDJSON files and the {@code deleted} files (Bulk Data 2.0: Bundles with DELETE entries).
 */
record BulkManifest(Instant transactionTime, boolean requiresAccessToken, List<File> output, List<File> deleted) {

	private static final ObjectMapper JSON = new ObjectMapper();

	record File(String type, String url, long count) {
	}

	static BulkManifest parse(String json) throws BulkExportException {
		JsonNode m;
		try {
			m = JSON.readTree(json);
		}
		catch (JsonProcessingException e) {
			throw new BulkExportException("HUB-5015 the export manifest is not JSON");
		}
		String tt = m.path("transactionTime").asText("");
		Instant transactionTime;
		try {
			transactionTime = OffsetDateTime.parse(tt).toInstant();
		}
		catch (DateTimeParseException e) {
			throw new BulkExportException("HUB-5015 the export manifest has no valid transactionTime");
		}
		return new BulkManifest(transactionTime, m.path("requiresAccessToken").asBoolean(false), files(m.path("output")),
				files(m.path("deleted")));
	}

	private static List<File> files(JsonNode array) throws BulkExportException {
		List<File> files = new ArrayList<>();
		for (JsonNode f : array) {
			String url = f.path("url").asText("");
			if (url.isBlank()) {
				throw new BulkExportException("HUB-5015 the export manifest lists a file without url");
			}
			files.add(new File(f.path("type").asText(""), url, f.path("count").asLong(-1)));
		}
		return files;
	}
}
