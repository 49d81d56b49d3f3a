package dev.patient360.routes.hl7v2;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import ca.uhn.fhir.context.FhirContext;
import dev.patient360.routes.hl7v2.mapping.Hl7v2ToFhirMessageMapper;
import dev.patient360.routes.testsupport.HubProcess;
import dev.patient360.routes.testsupport.MllpClient;
import dev.patient360.routes.testsupport.TestDatabases;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The MLLP listener over real sockets, with its inbox on a real PostgreSQL and the real hub
 * (hub-server.jar as a child process, security disabled) receiving the transactions.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class Hl7v2MllpIT {

	private static final Path MESSAGES = Path.of("../../shared/data/hl7v2/msft-fhir-converter/messages");
	private static final Path EDGE_CASES = Path.of("../../shared/data/bad-input/hl7v2-edge-cases");
	private static final int MLLP_PORT = HubProcess.freePort();
	private static final int AFTER_COMMIT_PORT = HubProcess.freePort();
	private static HubProcess hub;

	@Autowired
	JdbcClient jdbc;

	private final HttpClient http = HttpClient.newHttpClient();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) throws Exception {
		hub = HubProcess.start();
		registry.add("routes.hub-url", hub::fhirBase);
		registry.add("routes.hl7v2.port", () -> MLLP_PORT);
		registry.add("routes.hl7v2.after-commit-port", () -> AFTER_COMMIT_PORT);
		registry.add("routes.hl7v2.source-system", () -> "demo-ehr");
		registry.add("routes.heartbeat-period", () -> "1h");
		TestDatabases.registerRoutesDb(registry, "routes_hl7v2");
	}

	@AfterAll
	static void stopHub() {
		if (hub != null) {
			hub.close();
		}
	}

	private static String er7(Path file) throws Exception {
		return Files.readString(file, StandardCharsets.UTF_8);
	}

	private static String field(String er7, int n) {
		String msh = er7.replace("\r\n", "\r").replace('\n', '\r').split("\r")[0];
		String[] f = msh.split("\\|", -1);
		return f.length >= n ? f[n - 1] : "";
	}

	/** The message with MSH-10 replaced and MSH-15/16 cleared (original acknowledgement mode). */
	static String withControlId(String er7, String controlId) {
		String[] segments = er7.replace("\uFEFF", "").replace("\r\n", "\r").replace('\n', '\r').split("\r");
		String[] f = segments[0].split("\\|", -1);
		f[9] = controlId;
		if (f.length > 15) {
			f[14] = "";
			f[15] = "";
		}
		segments[0] = String.join("|", f);
		return String.join("\r", segments) + "\r";
	}

	private static String type(String er7) {
		String[] p = field(er7, 9).split("\\^");
		return p.length > 1 ? p[0] + "^" + p[1] : p[0];
	}

	@Test
	void everySampleMessageIsAcknowledgedWithItsControlIdAndSupportedOnesReachTheHub() throws Exception {
		List<Path> files;
		try (Stream<Path> s = Files.list(MESSAGES)) {
			files = s.filter(p -> p.toString().endsWith(".hl7")).sorted().toList();
		}
		assertThat(files).hasSizeGreaterThan(100);
		try (MllpClient client = new MllpClient(MLLP_PORT)) {
			for (Path file : files) {
				String message = er7(file);
				String[] msa = MllpClient.msa(client.send(message));
				assertThat(msa[1]).as(file.getFileName().toString()).isEqualTo(field(message.replace("\uFEFF", ""), 10));
				String clean = message.replace("\uFEFF", "");
				// MSH-15 set = enhanced mode: the commit acknowledgement CA/CR instead of AA/AR.
				String mode = field(clean, 15).isBlank() ? "A" : "C";
				assertThat(msa[0]).as(file.getFileName().toString())
						.isEqualTo(mode + (Hl7v2ToFhirMessageMapper.supported(type(clean)) ? "A" : "R"));
			}
		}
		await().atMost(Duration.ofMinutes(2)).until(() ->
				jdbc.sql("select count(*) from hl7v2_inbox where status = 'PENDING'").query(Long.class).single() == 0);
		Bundle patients = search("Patient?identifier=PATID1234");
		assertThat(patients.getEntry()).isNotEmpty();
		Patient p = (Patient) patients.getEntryFirstRep().getResource();
		assertThat(p.getNameFirstRep().getFamily()).isEqualTo("EVERYMAN");
		assertThat(p.getMeta().getTag()).anyMatch(t -> "demo-ehr".equals(t.getCode()));
		assertThat(search("Appointment?_summary=count").getTotal()).isPositive();
		assertThat(search("Encounter?_summary=count").getTotal()).isPositive();
		assertThat(search("Provenance?_summary=count").getTotal()).isPositive();
		// The poison messages other tests send on purpose are the only dead letters allowed.
		assertThat(jdbc.sql("select message_type || ' ' || error_code from dead_letter where correlation_id not like '%POISON%'")
				.query(String.class).list())
				.as("every supported sample message maps and the hub accepts it").isEmpty();
		assertThat(jdbc.sql("select count(*) from hl7v2_inbox where status = 'DONE'").query(Long.class).single())
				.isGreaterThanOrEqualTo(40);
	}

	@Test
	void theSameMessageSentThreeTimesIsAcknowledgedEachTimeAndAppliedOnce() throws Exception {
		String message = withControlId(er7(MESSAGES.resolve("ADT-A04-01.hl7")), "DUP-3X-1").replace("PATID1234", "PATDUP3X");
		try (MllpClient client = new MllpClient(MLLP_PORT)) {
			for (int i = 0; i < 3; i++) {
				assertThat(MllpClient.msa(client.send(message))).containsExactly("AA", "DUP-3X-1");
			}
		}
		assertThat(jdbc.sql("select count(*) from hl7v2_inbox where control_id = 'DUP-3X-1'").query(Long.class).single()).isEqualTo(1);
		await().atMost(Duration.ofMinutes(1)).until(() ->
				"DONE".equals(jdbc.sql("select status from hl7v2_inbox where control_id = 'DUP-3X-1'").query(String.class).single()));
		assertThat(search("Patient?identifier=PATDUP3X").getEntry()).hasSize(1);
	}

	@Test
	void edgeCasesAndGarbageGetAnAnswerAndTheListenerKeepsServing() throws Exception {
		try (Stream<Path> s = Files.walk(EDGE_CASES)) {
			for (Path file : s.filter(p -> p.toString().endsWith(".hl7")).toList()) {
				try (MllpClient client = new MllpClient(MLLP_PORT)) {
					String ack = client.send(Files.readAllBytes(file));
					assertThat(MllpClient.msa(ack)[0]).as(file.toString()).isIn("AA", "AR", "CA", "CR");
				}
			}
		}
		try (MllpClient client = new MllpClient(MLLP_PORT)) {
			String ack = client.send("this is not HL7 at all");
			assertThat(MllpClient.msa(ack)[0]).isEqualTo("AR");
			assertThat(ack).contains("ERR|");
		}
		try (MllpClient garbage = new MllpClient(MLLP_PORT)) {
			garbage.writeRaw(new byte[] {0x1C, 0x0D, 0x00, 0x7F, 'x', 0x0B});
		}
		String message = withControlId(er7(MESSAGES.resolve("ADT-A08-01.hl7")), "AFTER-GARBAGE-1");
		try (MllpClient client = new MllpClient(MLLP_PORT)) {
			assertThat(MllpClient.msa(client.send(message))).containsExactly("AA", "AFTER-GARBAGE-1");
		}
	}

	@Test
	void isoLatin1UmlautsSurviveWhenMsh18SaysSo() throws Exception {
		String message = "MSH|^~\\&|LATIN|CLINIC|HUB|HUB|20260101120000+0100||ADT^A28^ADT_A05|LATIN1-1|P|2.5.1|||||DEU|8859/1\r"
				+ "EVN|A28|20260101120000\r"
				+ "PID|1||LATIN1PAT^^^KLINIK^MR||Müller^Jürgen||19700101|M\r";
		try (MllpClient client = new MllpClient(MLLP_PORT)) {
			assertThat(MllpClient.msa(client.send(message.getBytes(StandardCharsets.ISO_8859_1)))).containsExactly("AA", "LATIN1-1");
		}
		await().atMost(Duration.ofMinutes(1)).until(() -> !search("Patient?identifier=LATIN1PAT").getEntry().isEmpty());
		Patient p = (Patient) search("Patient?identifier=LATIN1PAT").getEntryFirstRep().getResource();
		assertThat(p.getNameFirstRep().getFamily()).isEqualTo("Müller");
		assertThat(p.getNameFirstRep().getGivenAsSingleString()).isEqualTo("Jürgen");
	}

	private void sendAll(String... messages) throws Exception {
		try (MllpClient client = new MllpClient(MLLP_PORT)) {
			for (String m : messages) {
				assertThat(MllpClient.msa(client.send(m))[0]).isEqualTo("AA");
			}
		}
	}

	private <T extends org.hl7.fhir.r4.model.Resource> T awaitOne(String query, Class<T> type,
			java.util.function.Predicate<T> condition) {
		return await().atMost(Duration.ofMinutes(1)).until(() -> {
			Bundle b = search(query);
			return b.getEntry().size() == 1 ? type.cast(b.getEntryFirstRep().getResource()) : null;
		}, r -> r != null && condition.test(r));
	}

	@Test
	void afterCommitListenerAnswersOnlyOnceTheHubHoldsTheResourceAndRejectsWhatCannotBeApplied() throws Exception {
		String message = withControlId(er7(MESSAGES.resolve("ADT-A28-01.hl7")), "AFTER-COMMIT-1").replace("PATID1234", "PATAFTERCOMMIT");
		String poison = "MSH|^~\\&|AC|CLINIC|HUB|HUB|20260101120000+0100||ADT^A28^ADT_A05|AFTER-COMMIT-POISON|P|2.5.1\r"
				+ "EVN|A28|20260101120000\rPID|1||||Nobody^Nemo||19700101|M\r";
		try (MllpClient client = new MllpClient(AFTER_COMMIT_PORT)) {
			assertThat(MllpClient.msa(client.send(message))).containsExactly("AA", "AFTER-COMMIT-1");
			// No waiting: the AA itself says the hub has it.
			assertThat(search("Patient?identifier=PATAFTERCOMMIT").getEntry()).hasSize(1);
			String ack = client.send(poison);
			assertThat(MllpClient.msa(ack)).containsExactly("AR", "AFTER-COMMIT-POISON");
			assertThat(ack).contains("HUB-4009");
		}
	}

	@Test
	void cancelAdmitAfterTheRegistrationCancelsThatEncounter() throws Exception {
		String a04 = withControlId(er7(MESSAGES.resolve("ADT-A04-01.hl7")), "SCN-A11-1");
		String a11 = withControlId(er7(MESSAGES.resolve("ADT-A11-01.hl7")), "SCN-A11-2");
		sendAll(a04.replace("PATID1234", "PATSCNA11").replace("40007716", "VSCNA11"),
				a11.replace("PATID1234", "PATSCNA11").replace("40007716", "VSCNA11"));
		Encounter e = awaitOne("Encounter?identifier=VSCNA11", Encounter.class,
				x -> x.getStatus() == Encounter.EncounterStatus.CANCELLED);
		assertThat(e.getSubject().getReference()).startsWith("Patient/");
	}

	@Test
	void bookedAppointmentIsCancelledByS15AndAnotherIsMarkedNoShowByS26() throws Exception {
		String s12 = er7(MESSAGES.resolve("SIU-S12-01.hl7"));
		sendAll(withControlId(s12, "SCN-S15-1").replace("36996", "APPTS15"),
				withControlId(er7(MESSAGES.resolve("SIU-S15-01.hl7")), "SCN-S15-2").replace("36996", "APPTS15"),
				withControlId(s12, "SCN-S26-1").replace("36996", "APPTS26"),
				withControlId(er7(MESSAGES.resolve("SIU-S26-01.hl7")), "SCN-S26-2").replace("36996", "APPTS26"));
		awaitOne("Appointment?identifier=APPTS15", Appointment.class, a -> a.getStatus() == Appointment.AppointmentStatus.CANCELLED);
		Appointment noShow = awaitOne("Appointment?identifier=APPTS26", Appointment.class,
				a -> a.getStatus() == Appointment.AppointmentStatus.NOSHOW);
		assertThat(noShow.getParticipant()).anyMatch(p -> p.getActor().getReference() != null
				&& p.getActor().getReference().startsWith("Patient/"));
	}

	@Test
	void mergeLinksThePriorPatientToTheSurvivorBothWaysAndTheIndexMergesTheirGoldenRecords() throws Exception {
		String a40 = withControlId(er7(MESSAGES.resolve("ADT-A40-01.hl7")), "SCN-A40-1")
				.replace("12345^^^BCBS", "SURVIVOR40^^^BCBS").replace("56789^^^BCBS", "PRIOR40^^^BCBS");
		// The retired record as the EHR registered it earlier: another name and birth date, so the
		// index keeps it a person of its own until the merge.
		String registration = withControlId(a40, "SCN-A40-0").replace("ADT^A40^ADT_A40", "ADT^A28^ADT_A05")
				.replace("EVN|A40", "EVN|A28").replace("SURVIVOR40^^^BCBS", "PRIOR40^^^BCBS")
				.replace("Test^Test^A", "Vorher^Vera").replace("|20180205|", "|19700101|").replaceAll("\rMRG\\|[^\r]*", "");
		sendAll(registration);
		Patient registered = awaitOne("Patient?identifier=PRIOR40", Patient.class, p -> p.hasName());
		String priorGolden = goldenOf(registered.getIdElement().toUnqualifiedVersionless().getValue());

		sendAll(a40);
		Patient prior = awaitOne("Patient?identifier=PRIOR40", Patient.class, p -> p.hasLink());
		Patient survivor = awaitOne("Patient?identifier=SURVIVOR40", Patient.class, p -> p.hasLink());
		assertThat(prior.getActive()).isFalse();
		assertThat(prior.getNameFirstRep().getFamily()).as("the retired record keeps its data").isEqualTo("Vorher");
		assertThat(prior.getLinkFirstRep().getType()).isEqualTo(Patient.LinkType.REPLACEDBY);
		assertThat(prior.getLinkFirstRep().getOther().getReferenceElement().getIdPart()).isEqualTo(survivor.getIdElement().getIdPart());
		assertThat(survivor.getLinkFirstRep().getType()).isEqualTo(Patient.LinkType.REPLACES);
		assertThat(survivor.getLinkFirstRep().getOther().getReferenceElement().getIdPart()).isEqualTo(prior.getIdElement().getIdPart());
		String survivorGolden = goldenOf(survivor.getIdElement().toUnqualifiedVersionless().getValue());
		assertThat(goldenOf(prior.getIdElement().toUnqualifiedVersionless().getValue()))
				.as("the index merged the two persons").isEqualTo(survivorGolden);
		assertThat(survivorGolden).isNotEqualTo(priorGolden);
		assertThat(jdbc.sql("select count(*) from dead_letter where correlation_id like '%SCN-A40%'").query(Long.class).single())
				.isZero();
	}

	/** The golden record of a source Patient, from the hub's patient index ($mdm-query-links). */
	private String goldenOf(String patient) throws Exception {
		org.hl7.fhir.r4.model.Parameters links = FhirContext.forR4Cached().newJsonParser().parseResource(
				org.hl7.fhir.r4.model.Parameters.class, http.send(HttpRequest.newBuilder(URI.create(hub.fhirBase()
						+ "/Patient/$mdm-query-links?matchResult=MATCH&resourceId=" + patient))
						.header("Accept", "application/fhir+json").build(), HttpResponse.BodyHandlers.ofString()).body());
		assertThat(links.getParameter()).hasSize(1);
		return links.getParameterFirstRep().getPart().stream().filter(p -> p.getName().equals("goldenResourceId"))
				.map(p -> p.getValue().primitiveValue()).findFirst().orElseThrow();
	}

	private Bundle search(String query) throws Exception {
		HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(hub.fhirBase() + "/" + query))
				.header("Accept", "application/fhir+json").build(), HttpResponse.BodyHandlers.ofString());
		assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
		return FhirContext.forR4Cached().newJsonParser().parseResource(Bundle.class, r.body());
	}
}
