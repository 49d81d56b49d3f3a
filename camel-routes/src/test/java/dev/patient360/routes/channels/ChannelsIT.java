package dev.patient360.routes.channels;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;

import jakarta.mail.internet.MimeMessage;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.patient360.profiles.Canonicals;
import dev.patient360.profiles.Codes.ContactChannel;
import dev.patient360.profiles.Codes.ContactPurpose;
import dev.patient360.profiles.Codes.DeliveryStatus;
import dev.patient360.profiles.Codes.NotDoneReason;
import dev.patient360.profiles.CommunicationTracking;
import dev.patient360.routes.simulator.DemoMailServer;
import dev.patient360.routes.simulator.SmsGatewaySimulator;
import dev.patient360.routes.testsupport.HubProcess;
import dev.patient360.routes.testsupport.TestDatabases;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.CommunicationRequest;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reminders end to end over real sockets: the real hub jar (the shared unsecured child: on a machine
 * shared by several builds a Keycloak start does not fit the test budget; what the {@code outreach}
 * client may do is AccessPolicyTest's, ScopeMatrixIT's and DemoRealmIT's), e-mail through an
 * in-process SMTP/IMAP server (GreenMail) and SMS through a WireMock gateway that posts signed receipts back. The test writes
 * the CommunicationRequests the hub's reminder planner would (contract in docs/connectors/channels.md)
 * and moves the routes' clock. Everything it creates carries this run's ids, so it counts only its own.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@Import(ChannelsIT.TestClock.class)
class ChannelsIT {

	static final String REMINDER_SYSTEM = "https://fhir.patient360.dev/sid/reminder";
	static final String RUN = "ch" + Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
	static final String RECEIPT_SECRET = "channels-it-receipt-secret";
	static final MutableClock CLOCK = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
	static final int APP_PORT = HubProcess.freePort();
	/** A per-run part of the test phone numbers. */
	static final String NUMBER = String.format("%04d", Math.floorMod(RUN.hashCode(), 10_000));
	static final FhirContext FHIR = FhirContext.forR4Cached();

	private static HubProcess hub;
	private static DemoMailServer mail;
	private static SmsGatewaySimulator sms;

	@Autowired
	JdbcClient jdbc;

	private final HttpClient http = HttpClient.newHttpClient();

	@TestConfiguration
	static class TestClock {
		@Bean
		@Primary
		MutableClock testClock() {
			return CLOCK;
		}
	}

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) throws Exception {
		hub = HubProcess.shared();
		mail = DemoMailServer.start(0, 0);
		sms = SmsGatewaySimulator.start(0, RECEIPT_SECRET);
		registry.add("server.port", () -> APP_PORT);
		registry.add("routes.hub-url", hub::fhirBase);
		registry.add("routes.hl7v2.enabled", () -> "false");
		registry.add("routes.hl7v2.port", HubProcess::freePort);
		registry.add("routes.heartbeat-period", () -> "1h");
		String c = "routes.channels.";
		registry.add(c + "enabled", () -> "true");
		registry.add(c + "poll-period", () -> "300ms");
		registry.add(c + "tracking-period", () -> "300ms");
		registry.add(c + "smtp.host", () -> "127.0.0.1");
		registry.add(c + "smtp.port", mail::smtpPort);
		registry.add(c + "smtp.from", () -> "reminders@patient360.local");
		registry.add(c + "smtp.reply-to", () -> DemoMailServer.REPLIES);
		for (String box : List.of("bounces", "replies")) {
			registry.add(c + box + ".protocol", () -> "imap");
			registry.add(c + box + ".host", () -> "127.0.0.1");
			registry.add(c + box + ".port", mail::imapPort);
			registry.add(c + box + ".user", () -> box);
			registry.add(c + box + ".password", () -> DemoMailServer.PASSWORD);
			registry.add(c + box + ".poll-period", () -> "300ms");
		}
		registry.add(c + "sms.gateway-url", sms::baseUrl);
		registry.add(c + "sms.api-key", () -> "channels-it-api-key");
		registry.add(c + "sms.callback-url", () -> "http://127.0.0.1:" + APP_PORT + SmsReceiptController.PATH);
		registry.add(c + "sms.receipt-secret", () -> RECEIPT_SECRET);
		TestDatabases.registerRoutesDb(registry, "routes_channels");
	}

	@AfterAll
	static void stop() {
		if (mail != null) {
			mail.close();
		}
		if (sms != null) {
			sms.close();
		}
	}

	@Test
	void emailDueNowArrivesWithItsTextIsRecordedAsSentAndABounceMarksItBounced() throws Exception {
		String address = RUN + "-bounce@example.org";
		Reminder r = reminder("e1", email(address), ContactChannel.EMAIL, "Dear Ann, see you tomorrow at 9:00. " + RUN, dueNow());

		MimeMessage received = await().atMost(Duration.ofMinutes(2)).until(() -> mail.receivedBy(address), m -> m.length == 1)[0];
		assertThat(received.getContent().toString()).contains("see you tomorrow at 9:00. " + RUN);
		assertThat(received.getHeader(DeliveryStatusNotifications.COMMUNICATION_HEADER, null)).isEqualTo(r.key());
		assertThat(received.getReplyTo()[0].toString()).isEqualTo(DemoMailServer.REPLIES);

		Communication sent = awaitCommunication(r, c -> c.getStatus() == Communication.CommunicationStatus.COMPLETED);
		assertThat(sent.getBasedOnFirstRep().getReference()).isEqualTo("CommunicationRequest/" + r.requestId());
		assertThat(sent.getMediumFirstRep().getCodingFirstRep().getCode()).isEqualTo("email");
		assertThat(sent.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("appointment-reminder");
		assertThat(sent.getAboutFirstRep().getReference()).isEqualTo("Appointment/" + r.appointmentId());
		assertThat(sent.getSubject().getReference()).isEqualTo("Patient/" + r.patientId());
		assertThat(sent.getSent().toInstant()).isAfterOrEqualTo(dueNow()).isBeforeOrEqualTo(CLOCK.instant());
		assertThat(CommunicationTracking.get(sent).status()).isEqualTo(DeliveryStatus.SENT);
		assertThat(read(CommunicationRequest.class, "CommunicationRequest/" + r.requestId()).getStatus())
				.isEqualTo(CommunicationRequest.CommunicationRequestStatus.COMPLETED);

		mail.bounce(received);
		awaitCommunication(r, c -> CommunicationTracking.get(c).status() == DeliveryStatus.BOUNCED);
	}

	@Test
	void aReplyToTheReminderMarksItsCommunicationReplied() throws Exception {
		String address = RUN + "-reply@example.org";
		Reminder r = reminder("e2", email(address), ContactChannel.EMAIL, "Dear Ben, your check-up is on Monday. " + RUN, dueNow());
		MimeMessage received = await().atMost(Duration.ofMinutes(2)).until(() -> mail.receivedBy(address), m -> m.length == 1)[0];
		awaitCommunication(r, c -> c.getStatus() == Communication.CommunicationStatus.COMPLETED);

		mail.reply(received, "Thank you, I will be there.");

		Communication replied = awaitCommunication(r, c -> CommunicationTracking.get(c).replied() != null);
		assertThat(CommunicationTracking.get(replied).status()).isEqualTo(DeliveryStatus.DELIVERED);
	}

	@Test
	void smsDueNowHitsTheGatewayAndItsSignedReceiptMarksItDelivered() throws Exception {
		String number = "+4915" + NUMBER + "0001";
		Reminder r = reminder("s1", mobile(number), ContactChannel.SMS, "Reminder: dentist tomorrow 10:30. " + RUN, dueNow());

		JsonNode message = await().atMost(Duration.ofMinutes(2)).until(() -> sms.messagesTo(number), l -> l.size() == 1).get(0);
		assertThat(message.path("text").asText()).isEqualTo("Reminder: dentist tomorrow 10:30. " + RUN);
		assertThat(message.path("reference").asText()).isEqualTo(r.identifierValue());
		assertThat(message.path("callbackUrl").asText()).endsWith(SmsReceiptController.PATH);

		Communication delivered = awaitCommunication(r, c -> CommunicationTracking.get(c).status() == DeliveryStatus.DELIVERED);
		assertThat(delivered.getStatus()).isEqualTo(Communication.CommunicationStatus.COMPLETED);
		assertThat(delivered.getMediumFirstRep().getCodingFirstRep().getCode()).isEqualTo("sms");
		assertThat(CommunicationTracking.get(delivered).delivered()).isNotNull();

		String providerId = jdbc.sql("select provider_id from channel_outbox where request_key = ?").param(r.key())
				.query(String.class).single();
		String callback = "http://127.0.0.1:" + APP_PORT + SmsReceiptController.PATH;
		assertThat(sms.postReceipt(callback, "sim-not-ours", "delivered")).isEqualTo(404);
		HttpResponse<String> unsigned = http.send(HttpRequest.newBuilder(URI.create(callback))
				.header("Content-Type", "application/json").header("X-Signature", "sha256=00")
				.POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + providerId + "\",\"status\":\"failed\"}")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(unsigned.statusCode()).isEqualTo(401);
		assertThat(unsigned.body()).contains("HUB-6055");
	}

	@Test
	void gatewayOutagesAreRetriedAndRefusalsAreRecordedAsFailedWithADeadLetter() throws Exception {
		String flaky = "+4916" + NUMBER + "0002";
		String refused = "+4916" + NUMBER + "0003";
		sms.wireMock().stubFor(post(urlPathEqualTo("/messages")).atPriority(1).withRequestBody(containing(flaky))
				.inScenario("flaky-" + RUN).whenScenarioStateIs(Scenario.STARTED).willSetStateTo("recovered")
				.willReturn(aResponse().withStatus(503)));
		sms.wireMock().stubFor(post(urlPathEqualTo("/messages")).atPriority(1).withRequestBody(containing(refused))
				.willReturn(aResponse().withStatus(400).withBody("{\"error\":\"invalid number\"}")));

		Reminder f = reminder("s2", mobile(flaky), ContactChannel.SMS, "Your results are ready. " + RUN, dueNow());
		Reminder x = reminder("s3", mobile(refused), ContactChannel.SMS, "Your results are ready. " + RUN, dueNow());

		awaitCommunication(f, c -> c.getStatus() == Communication.CommunicationStatus.COMPLETED);
		assertThat(sms.messagesTo(flaky)).hasSize(2);

		Communication failed = awaitCommunication(x, c -> c.getStatus() == Communication.CommunicationStatus.NOTDONE);
		assertThat(NotDoneReason.of(failed.getStatusReason().getCodingFirstRep())).isEqualTo(NotDoneReason.DELIVERY_FAILED);
		assertThat(CommunicationTracking.get(failed).status()).isEqualTo(DeliveryStatus.FAILED);
		assertThat(deadLetterCodes(x)).containsExactly("HUB-6052");
		assertThat(sms.messagesTo(refused)).hasSize(1);
	}

	@Test
	void aRequestNotYetDueIsNotSentUntilTheClockReachesIt() throws Exception {
		String later = RUN + "-later@example.org";
		String marker = RUN + "-marker@example.org";
		Reminder future = reminder("e3", email(later), ContactChannel.EMAIL, "See you next week. " + RUN,
				CLOCK.instant().plus(3, ChronoUnit.HOURS));
		Reminder now = reminder("e4", email(marker), ContactChannel.EMAIL, "See you soon. " + RUN, dueNow());

		// The due one created after it has been handled, so polls have seen the future one too.
		awaitCommunication(now, c -> c.getStatus() == Communication.CommunicationStatus.COMPLETED);
		assertThat(mail.receivedBy(later)).isEmpty();
		assertThat(communications(future)).isEmpty();
		assertThat(read(CommunicationRequest.class, "CommunicationRequest/" + future.requestId()).getStatus())
				.isEqualTo(CommunicationRequest.CommunicationRequestStatus.ACTIVE);

		CLOCK.advance(Duration.ofHours(4));

		await().atMost(Duration.ofMinutes(2)).until(() -> mail.receivedBy(later), m -> m.length == 1);
		awaitCommunication(future, c -> c.getStatus() == Communication.CommunicationStatus.COMPLETED);
	}

	@Test
	void aPatientWithoutAnAddressGetsANotDoneCommunicationAndTheRequestIsCompleted() throws Exception {
		Reminder r = reminder("n1", null, ContactChannel.SMS, "Reminder without a phone. " + RUN, dueNow());

		Communication notDone = awaitCommunication(r, c -> c.getStatus() == Communication.CommunicationStatus.NOTDONE);
		assertThat(NotDoneReason.of(notDone.getStatusReason().getCodingFirstRep())).isEqualTo(NotDoneReason.NO_ADDRESS);
		assertThat(notDone.getBasedOnFirstRep().getReference()).isEqualTo("CommunicationRequest/" + r.requestId());
		await().atMost(Duration.ofMinutes(2)).until(() -> read(CommunicationRequest.class, "CommunicationRequest/" + r.requestId())
				.getStatus() == CommunicationRequest.CommunicationRequestStatus.COMPLETED);
	}

	@Test
	void aDeliveryClaimedWhenTheAppStoppedIsNotSentAgainButRecordedAsUnknownWithADeadLetter() throws Exception {
		String address = RUN + "-crash@example.org";
		Reminder planned = planned("c1", ContactChannel.EMAIL);
		// What a run that stopped between claiming and hearing back from SMTP leaves behind.
		jdbc.sql("insert into channel_outbox (request_key, request_version, request_id, channel, status) values (?, '1', ?, 'email', 'SENDING')")
				.params(planned.key(), planned.requestId()).update();
		Reminder r = store(planned, email(address), "Dear Cem, your appointment is on Friday. " + RUN, dueNow());

		Communication unknown = awaitCommunication(r, c -> c.getStatus() == Communication.CommunicationStatus.UNKNOWN);
		assertThat(unknown.getBasedOnFirstRep().getReference()).isEqualTo("CommunicationRequest/" + r.requestId());
		assertThat(deadLetterCodes(r)).containsExactly("HUB-6051");
		await().atMost(Duration.ofMinutes(2)).until(() -> read(CommunicationRequest.class, "CommunicationRequest/" + r.requestId())
				.getStatus() == CommunicationRequest.CommunicationRequestStatus.COMPLETED);
		assertThat(mail.receivedBy(address)).isEmpty();
	}

	@Test
	void aMessageSentBeforeTheAppStoppedIsRecordedWithoutBeingSentAgain() throws Exception {
		String number = "+4917" + NUMBER + "0004";
		Reminder planned = planned("c2", ContactChannel.SMS);
		Instant sentAt = CLOCK.instant().minus(2, ChronoUnit.MINUTES);
		jdbc.sql("""
				insert into channel_outbox (request_key, request_version, request_id, channel, status, outcome_at, provider_id)
				values (?, '1', ?, 'sms', 'SENT', ?, 'sim-before-crash')""")
				.params(planned.key(), planned.requestId(), Timestamp.from(sentAt)).update();
		Reminder r = store(planned, mobile(number), "Reminder: physio at 8:00. " + RUN, dueNow());

		Communication sent = awaitCommunication(r, c -> c.getStatus() == Communication.CommunicationStatus.COMPLETED);
		assertThat(sent.getSent().toInstant()).isEqualTo(sentAt);
		assertThat(sms.messagesTo(number)).isEmpty();
		assertThat(deadLetterCodes(r)).isEmpty();
	}

	// ---------------------------------------------------------------------------------------------

	record Reminder(String patientId, String appointmentId, String requestId, String identifierValue, ContactChannel channel) {
		String key() {
			return REMINDER_SYSTEM + "|" + identifierValue;
		}
	}

	private static Instant dueNow() {
		return CLOCK.instant().minus(1, ChronoUnit.MINUTES);
	}

	private static ContactPoint email(String address) {
		return new ContactPoint().setSystem(ContactPoint.ContactPointSystem.EMAIL).setValue(address);
	}

	private static ContactPoint mobile(String number) {
		return new ContactPoint().setSystem(ContactPoint.ContactPointSystem.PHONE).setUse(ContactPoint.ContactPointUse.MOBILE)
				.setValue(number);
	}

	private static Reminder planned(String name, ContactChannel channel) {
		String appointment = RUN + "-" + name;
		return new Reminder(RUN + "-p-" + name, appointment, RUN + "-r-" + name, appointment + "-appointment-reminder", channel);
	}

	private Reminder reminder(String name, ContactPoint telecom, ContactChannel channel, String text, Instant at) throws Exception {
		return store(planned(name, channel), telecom, text, at);
	}

	/** Patient, booked Appointment and the CommunicationRequest the hub's planner makes for it. */
	private Reminder store(Reminder r, ContactPoint telecom, String text, Instant at) throws Exception {
		Patient patient = new Patient();
		patient.setId(r.patientId());
		patient.addName().setFamily("Channels").addGiven(r.patientId());
		if (telecom != null) {
			patient.addTelecom(telecom);
		}
		put(patient);
		Appointment appointment = new Appointment();
		appointment.setId(r.appointmentId());
		appointment.setStatus(Appointment.AppointmentStatus.BOOKED);
		appointment.setStart(Date.from(at.plus(1, ChronoUnit.DAYS)));
		appointment.setEnd(Date.from(at.plus(1, ChronoUnit.DAYS).plus(30, ChronoUnit.MINUTES)));
		appointment.addParticipant().setActor(new Reference("Patient/" + r.patientId()))
				.setStatus(Appointment.ParticipationStatus.ACCEPTED);
		put(appointment);
		CommunicationRequest request = new CommunicationRequest();
		request.setId(r.requestId());
		request.getMeta().addProfile(Canonicals.PROFILE_COMMUNICATION_REQUEST);
		request.addIdentifier().setSystem(REMINDER_SYSTEM).setValue(r.identifierValue());
		request.setStatus(CommunicationRequest.CommunicationRequestStatus.ACTIVE);
		request.addCategory(ContactPurpose.APPOINTMENT_REMINDER.concept());
		request.addMedium(r.channel().concept());
		request.setSubject(new Reference("Patient/" + r.patientId()));
		request.addRecipient(new Reference("Patient/" + r.patientId()));
		request.addAbout(new Reference("Appointment/" + r.appointmentId()));
		request.setOccurrence(new DateTimeType(Date.from(at)));
		request.setAuthoredOn(Date.from(CLOCK.instant()));
		request.addPayload().setContent(new StringType(text));
		put(request);
		return r;
	}

	private Communication awaitCommunication(Reminder r, java.util.function.Predicate<Communication> condition) {
		return await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(300))
				.until(() -> communications(r).stream().findFirst(), c -> c.isPresent() && condition.test(c.get()))
				.orElseThrow();
	}

	private List<Communication> communications(Reminder r) throws Exception {
		Bundle found = read(Bundle.class, "Communication?identifier=" + URLEncoder.encode(r.key(), StandardCharsets.UTF_8));
		assertThat(found.getEntry()).as("one Communication per request").hasSizeLessThanOrEqualTo(1);
		return found.getEntry().stream().map(e -> (Communication) e.getResource()).toList();
	}

	private List<String> deadLetterCodes(Reminder r) {
		return jdbc.sql("select error_code from dead_letter where connector = 'channels' and source_ref = ?")
				.param("CommunicationRequest/" + r.requestId()).query(String.class).list();
	}

	private <T extends IBaseResource> T read(Class<T> type, String path) throws Exception {
		HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(hub.fhirBase() + "/" + path))
				.header("Accept", "application/fhir+json")
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return FHIR.newJsonParser().parseResource(type, response.body());
	}

	private void put(IBaseResource resource) throws Exception {
		String path = resource.fhirType() + "/" + resource.getIdElement().getIdPart();
		HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(hub.fhirBase() + "/" + path))
				.header("Content-Type", "application/fhir+json").header("Accept", "application/fhir+json")
				.PUT(HttpRequest.BodyPublishers.ofString(FHIR.newJsonParser().encodeResourceToString(resource))).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path + " " + response.body()).isBetween(200, 201);
	}
}
