package dev.patient360.hub.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import ca.uhn.fhir.context.FhirContext;

import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.Test;

/**
 * The AuditEvent shapes, pinned by golden files in {@code src/test/resources/audit-golden}. After a
 * deliberate change of shape, regenerate them with {@code -Daudit.golden.write=true} and review the diff.
 */
class AuditEventBuilderTest {

	private static final FhirContext FHIR = FhirContext.forR4();

	static {
		AuditConfig.keepVersionedReferences(FHIR);
	}
	private static final Path GOLDEN = Path.of("src/test/resources/audit-golden");
	private static final Instant AT = Instant.parse("2026-11-27T10:15:30.123Z");
	private static final AuditFacts.Caller PARTNER_USER =
			new AuditFacts.Caller("partner-clinic-portal", "7d0c6a4e-user", "TOKEN");
	private static final AuditFacts.Caller EHR_CLIENT =
			new AuditFacts.Caller("demo-ehr", "service-account-demo-ehr", "TOKEN");

	private final AuditEventBuilder builder = new AuditEventBuilder("https://hub.example.org/fhir");

	@Test
	void aReadOfAPatientByAUserOfAPartnerClinicNamesClientUserPatientAndVersion() throws IOException {
		assertGolden("read-of-patient-by-partner-clinic-user.json", new AuditFacts(AT, "read", null, 200, null,
				PARTNER_USER, "10.1.2.3", "req-1", List.of("123"), List.of("Patient/123/_history/4"), null, false));
	}

	@Test
	void aSearchCarriesItsQueryAndEveryPatientAnswered() throws IOException {
		assertGolden("search-observations-by-ehr-client-two-patients.json", new AuditFacts(AT, "search-type", null,
				200, null, EHR_CLIENT, "127.0.0.1", "req-2", List.of("123", "456"), List.of(),
				"Observation?code=http://loinc.org|8867-4&_count=50", false));
	}

	@Test
	void aWriteRecordedInItsTransactionIsACreateWithoutAStatus() throws IOException {
		assertGolden("create-observation-committed-security-disabled.json", new AuditFacts(AT, "create", null, 0, null,
				new AuditFacts.Caller("anonymous", "anonymous", "SECURITY_DISABLED"), "127.0.0.1", "req-3",
				List.of("123"), List.of("Observation/9/_history/1"), null, false));
	}

	@Test
	void aRequestRefusedWithoutATokenIsAMinorFailureOfAnUnauthenticatedCaller() throws IOException {
		assertGolden("refused-401-read-of-patient-unauthenticated.json", new AuditFacts(AT, "read", null, 401,
				"HUB-0401", AuditFacts.Caller.unauthenticated(), "192.0.2.10", null, List.of("123"),
				List.of("Patient/123"), null, true));
	}

	@Test
	void anOperationThatFailedInsideTheHubIsASeriousFailure() throws IOException {
		assertGolden("operation-everything-failed-500.json", new AuditFacts(AT, "operation", "$everything", 500,
				"HUB-0500", EHR_CLIENT, "127.0.0.1", "req-5", List.of("123"), List.of("Patient/123"), null, true));
	}

	@Test
	void aRecordWhoseTargetsAreGoneKeepsThemAsLogicalReferences() {
		AuditEvent event = builder.build(new AuditFacts(AT, "delete", null, 0, null, EHR_CLIENT, "127.0.0.1", "req-6",
				List.of("123"), List.of("Observation/9/_history/2"), null, false));
		AuditEventBuilder.withLogicalReferences(event, reference -> reference.startsWith("Observation/"));
		assertThat(event.getEntity().get(0).getWhat().getReference()).as("the patient still exists").isEqualTo("Patient/123");
		assertThat(event.getEntity().get(1).getWhat().hasReference()).isFalse();
		assertThat(event.getEntity().get(1).getWhat().getType()).isEqualTo("Observation");
		assertThat(event.getEntity().get(1).getWhat().getIdentifier().getSystem()).isEqualTo(AuditEventBuilder.REFERENCE_SYSTEM);
		assertThat(event.getEntity().get(1).getWhat().getIdentifier().getValue()).isEqualTo("Observation/9/_history/2");
	}

	@Test
	void actionsFollowBalpReadsAreRSearchesAndOperationsAreE() {
		assertThat(AuditEventBuilder.action("read")).isEqualTo(AuditEvent.AuditEventAction.R);
		assertThat(AuditEventBuilder.action("history-instance")).isEqualTo(AuditEvent.AuditEventAction.R);
		assertThat(AuditEventBuilder.action("search-type")).isEqualTo(AuditEvent.AuditEventAction.E);
		assertThat(AuditEventBuilder.action("create")).isEqualTo(AuditEvent.AuditEventAction.C);
		assertThat(AuditEventBuilder.action("patch")).isEqualTo(AuditEvent.AuditEventAction.U);
		assertThat(AuditEventBuilder.action("delete")).isEqualTo(AuditEvent.AuditEventAction.D);
		assertThat(AuditEventBuilder.action("transaction")).isEqualTo(AuditEvent.AuditEventAction.E);
	}

	private void assertGolden(String file, AuditFacts facts) throws IOException {
		String actual = FHIR.newJsonParser().setPrettyPrint(true).encodeResourceToString(builder.build(facts)) + "\n";
		Path golden = GOLDEN.resolve(file);
		if (Boolean.getBoolean("audit.golden.write")) {
			Files.writeString(golden, actual, StandardCharsets.UTF_8);
		}
		assertThat(golden).as("golden file %s (write with -Daudit.golden.write=true)", file).exists();
		assertThat(actual).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
	}
}
