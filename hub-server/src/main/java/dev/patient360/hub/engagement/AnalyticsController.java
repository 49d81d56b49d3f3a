package dev.patient360.hub.engagement;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

import ca.uhn.fhir.context.FhirContext;
import dev.patient360.hub.errors.HubErrorCode;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/engagement/analytics?from=2026-11-01&to=2026-11-30}: the {@link EngagementAnalytics}
 * report as JSON. Aggregates only, no patient data; who may call it is decided by the security
 * filter chain (roles {@code admin} and {@code auditor}, docs/security.md). A missing or malformed
 * date, {@code to} before {@code from} or a period over {@value #MAX_DAYS} days is 400 with an
 * OperationOutcome ({@code HUB-6025}).
 */
@RestController
class AnalyticsController {

	static final String PATH = "/api/engagement/analytics";
	static final int MAX_DAYS = 366;

	private final EngagementAnalytics analytics;
	private final FhirContext fhirContext;

	AnalyticsController(EngagementAnalytics analytics, FhirContext fhirContext) {
		this.analytics = analytics;
		this.fhirContext = fhirContext;
	}

	@GetMapping(PATH)
	public ResponseEntity<?> analytics(@RequestParam(required = false) String from,
			@RequestParam(required = false) String to) {
		LocalDate first;
		LocalDate last;
		try {
			first = LocalDate.parse(from == null ? "" : from);
			last = LocalDate.parse(to == null ? "" : to);
		}
		catch (DateTimeParseException e) {
			return badRequest("from and to are required dates (YYYY-MM-DD), e.g. from=2026-11-01&to=2026-11-30");
		}
		if (last.isBefore(first) || ChronoUnit.DAYS.between(first, last) >= MAX_DAYS) {
			return badRequest("to must not be before from, and the period at most " + MAX_DAYS + " days");
		}
		return ResponseEntity.ok(analytics.report(first, last));
	}

	private ResponseEntity<String> badRequest(String text) {
		OperationOutcome outcome = new OperationOutcome();
		outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(OperationOutcome.IssueType.INVALID)
				.setDiagnostics(HubErrorCode.ANALYTICS_BAD_PARAMETER.message(text));
		return ResponseEntity.badRequest().contentType(MediaType.parseMediaType("application/fhir+json"))
				.body(fhirContext.newJsonParser().encodeResourceToString(outcome));
	}
}
