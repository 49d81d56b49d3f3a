package dev.patient360.routes.kit;

import java.util.Map;
import java.util.Optional;

/** A connector type's view of a run in progress, shown as {@code progress} on {@code /api/connectors}. */
public interface ConnectorProgress {

	/** The connector type this bean reports for, e.g. {@code fhir-bulk}. */
	String type();

	/** Progress of the instance's current run (no source content), or empty when none runs. */
	Optional<Map<String, Object>> progress(String instance);
}
