package dev.patient360.routes.scheduling;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patient360.routes.simulator.BillingCsvGenerator;
import dev.patient360.routes.simulator.CalComSimulator;
import dev.patient360.routes.simulator.IcalFeedSimulator;
import dev.patient360.routes.simulator.SyntheaPeople;
import dev.patient360.routes.testsupport.HubProcess;
import dev.patient360.routes.testsupport.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The scheduling-json, ical-feed, webhook and billing-csv connectors end to end: WireMock simulators
 * (Cal.com-like bookings API, iCal feed) and a real drop folder → connector → the real hub jar on
 * PostgreSQL. Each source writes under its own source-system tag, which is what the counts use (the
 * hub is shared with other ITs of this JVM). Each test method builds on its own source only.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SchedulingAndBillingConnectorsIT {

	private static final String TAG = "https://fhir.patient360.dev/CodeSystem/source-system|";
	private static final String WEBHOOK_SECRET = "it-webhook-secret-" + System.nanoTime();
	private static final String API_KEY = "cal_test_" + System.nanoTime();
	private static HubProcess hub;
	private static CalComSimulator calcom;
	private static CalComSimulator calcomPush;
	private static CalComSimulator calcomSlots;
	private static final ZoneId SLOTS_ZONE = ZoneId.of("America/New_York");
	/** An offered time booked before the app starts, so no run ever sees it free. */
	private static Instant bookedBeforeStart;
	private static String bookedBeforeStartUid;
	private static IcalFeedSimulator ical;
	private static BillingCsvGenerator billing;
	private static List<SyntheaPeople.Person> people;

	@LocalServerPort
	int port;

	@Autowired
	SchedulingJsonPuller bookings;

	@Autowired
	IcalFeedPuller feed;

	@Autowired
	JdbcClient jdbc;

	private final HttpClient http = HttpClient.newHttpClient();
	private final ObjectMapper json = new ObjectMapper();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) throws Exception {
		people = SyntheaPeople.load(SyntheaPeople.defaultFolder(), 5);
		calcom = new CalComSimulator(0, API_KEY, Clock.systemUTC());
		calcomPush = new CalComSimulator(0, null, Clock.systemUTC());
		calcomSlots = new CalComSimulator(0, API_KEY, Clock.systemUTC());
		LocalDate today = LocalDate.now(SLOTS_ZONE);
		bookedBeforeStart = calcomSlots.offeredSlots(CalComSimulator.EVENT_TYPE, today, today.plusDays(6), SLOTS_ZONE).get(0);
		bookedBeforeStartUid = calcomSlots.book(people.get(0), bookedBeforeStart, CalComSimulator.CLINIC);
		ical = new IcalFeedSimulator(0);
		billing = new BillingCsvGenerator(Path.of("target/billing-drop-" + System.nanoTime()));
		hub = HubProcess.shared();
		registry.add("routes.hub-url", hub::fhirBase);
		registry.add("routes.hl7v2.enabled", () -> "false");
		registry.add("routes.hl7v2.port", HubProcess::freePort);
		registry.add("routes.heartbeat-period", () -> "1h");
		registry.add("IT_CALCOM_API_KEY", () -> API_KEY);
		registry.add("IT_CALCOM_WEBHOOK_SECRET", () -> WEBHOOK_SECRET);
		instance(registry, 0, "it-calcom", "scheduling-json", calcom.baseUrl(), "it-scheduling",
				"1h", Map.of("api-key-env", "IT_CALCOM_API_KEY", "page-size", "2"));
		instance(registry, 1, "it-calcom-push", "scheduling-json", calcomPush.baseUrl(), "it-webhook",
				"1h", Map.of("webhook-secret-env", "IT_CALCOM_WEBHOOK_SECRET"));
		instance(registry, 2, "it-ical", "ical-feed", ical.feedUrl(), "it-ical", "1h", Map.of());
		instance(registry, 3, "it-billing", "billing-csv", billing.folder().toAbsolutePath().toUri().toString(), "it-billing",
				"300ms", Map.of("patient-identifier-system", "https://it.example.org/mrn-" + System.nanoTime()));
		instance(registry, 4, "it-calcom-slots", "scheduling-json", calcomSlots.baseUrl(), "it-availability", "1h",
				Map.of("api-key-env", "IT_CALCOM_API_KEY", "availability-event-types", String.valueOf(CalComSimulator.EVENT_TYPE),
						"availability-days", "7", "availability-time-zone", SLOTS_ZONE.getId()));
		TestDatabases.registerRoutesDb(registry, "routes_scheduling");
	}

	private static void instance(DynamicPropertyRegistry registry, int n, String id, String type, String baseUrl,
			String sourceSystem, String schedule, Map<String, String> options) {
		String i = "routes.connectors.instances[" + n + "].";
		registry.add(i + "id", () -> id);
		registry.add(i + "type", () -> type);
		registry.add(i + "base-url", () -> baseUrl);
		registry.add(i + "source-system", () -> sourceSystem);
		// Pulls run once at start, then the tests pull explicitly; the drop folder is polled.
		registry.add(i + "schedule", () -> schedule);
		registry.add(i + "resource-types[0]", () -> "Appointment");
		options.forEach((k, v) -> registry.add(i + "options." + k, () -> v));
	}

	@AfterAll
	static void stop() {
		for (AutoCloseable c : new AutoCloseable[] {calcom, calcomPush, calcomSlots, ical}) {
			try {
				if (c != null) {
					c.close();
				}
			}
			catch (Exception e) {
				// Closing a simulator cannot fail the test run.
			}
		}
	}

	@Test
	void bookingsArePulledOnceRescheduleVersionsTheAppointmentAndCancellationIsReflected() throws Exception {
		Instant monday = Instant.now().plus(7, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
		List<String> uids = new ArrayList<>();
		for (int i = 0; i < people.size(); i++) {
			uids.add(calcom.book(people.get(i), monday.plus(i, ChronoUnit.HOURS),
					i == 0 ? "https://meet.example.org/lena-hartmann" : "Main Street Clinic, Room 4"));
		}

		bookings.pull("it-calcom");

		assertThat(count("Appointment", "it-scheduling")).isEqualTo(calcom.current().size()).isEqualTo(5);
		assertThat(count("Patient", "it-scheduling")).isEqualTo(5);
		assertThat(count("Practitioner", "it-scheduling")).isEqualTo(1);
		assertThat(count("Location", "it-scheduling")).isEqualTo(2);
		JsonNode first = appointment("https://fhir.patient360.dev/source/it-scheduling/booking", uids.get(1));
		assertThat(first.path("status").asText()).isEqualTo("booked");
		assertThat(first.path("start").asText()).endsWith("+01:00").doesNotContain("Z");
		assertThat(first.path("participant").toString()).contains("Patient/", "Practitioner/", "Location/");
		assertThat(first.path("meta").path("tag").toString()).contains("\"it-scheduling\"");

		Map<String, String> versions = versions("Appointment", "it-scheduling");
		bookings.pull("it-calcom");
		assertThat(versions("Appointment", "it-scheduling")).isEqualTo(versions);
		assertThat(count("Patient", "it-scheduling")).isEqualTo(5);

		JsonNode before = appointment("https://fhir.patient360.dev/source/it-scheduling/booking", uids.get(0));
		Instant newStart = monday.plus(2, ChronoUnit.DAYS);
		String successor = calcom.reschedule(uids.get(0), newStart);
		calcom.cancel(uids.get(2), "Patient is travelling");
		bookings.pull("it-calcom");

		assertThat(count("Appointment", "it-scheduling")).isEqualTo(calcom.current().size()).isEqualTo(5);
		JsonNode rescheduled = appointment("https://fhir.patient360.dev/source/it-scheduling/booking", successor);
		assertThat(rescheduled.path("id").asText()).isEqualTo(before.path("id").asText());
		assertThat(Integer.parseInt(rescheduled.path("meta").path("versionId").asText()))
				.isEqualTo(Integer.parseInt(before.path("meta").path("versionId").asText()) + 1);
		assertThat(java.time.OffsetDateTime.parse(rescheduled.path("start").asText()).toInstant()).isEqualTo(newStart);
		assertThat(rescheduled.path("status").asText()).isEqualTo("booked");
		JsonNode cancelled = appointment("https://fhir.patient360.dev/source/it-scheduling/booking", uids.get(2));
		assertThat(cancelled.path("status").asText()).isEqualTo("cancelled");
		assertThat(cancelled.path("cancelationReason").path("text").asText()).isEqualTo("Patient is travelling");
	}

	@Test
	void availabilityBecomesOneScheduleWithTheSourcesFreeSlotsAndATimeBookedLaterTurnsBusy() throws Exception {
		LocalDate from = LocalDate.now(SLOTS_ZONE);
		LocalDate to = from.plusDays(6);

		bookings.pull("it-calcom-slots");

		List<Instant> offered = calcomSlots.offeredSlots(CalComSimulator.EVENT_TYPE, from, to, SLOTS_ZONE);
		assertThat(offered).hasSizeGreaterThan(10).doesNotContain(bookedBeforeStart);
		assertThat(count("Schedule", "it-availability")).isEqualTo(1);
		Map<Instant, JsonNode> slots = slots("it-availability");
		assertThat(slots.keySet()).containsExactlyInAnyOrderElementsOf(offered);
		assertThat(slots.values()).allMatch(s -> s.path("status").asText().equals("free"));
		// Shown in the zone the API was asked for, whatever the host's zone.
		JsonNode one = slots.get(offered.get(0));
		assertThat(one.path("start").asText()).endsWith(SLOTS_ZONE.getRules().getOffset(offered.get(0)).getId());
		assertThat(one.path("schedule").path("reference").asText()).startsWith("Schedule/");
		JsonNode schedule = search("Schedule?_tag=" + enc(TAG + "it-availability")).path("entry").get(0).path("resource");
		assertThat(schedule.path("actor").toString()).contains("Practitioner/", "Location/");
		// The owner is the bookings' host and the event type's address the bookings' place: one each.
		assertThat(count("Practitioner", "it-availability")).isEqualTo(1);
		assertThat(count("Location", "it-availability")).isEqualTo(1);
		assertThat(count("Appointment", "it-availability")).isEqualTo(1);

		Map<String, String> slotVersions = versions("Slot", "it-availability");
		Map<String, String> scheduleVersions = versions("Schedule", "it-availability");
		bookings.pull("it-calcom-slots");
		assertThat(versions("Slot", "it-availability")).isEqualTo(slotVersions);
		assertThat(versions("Schedule", "it-availability")).isEqualTo(scheduleVersions);

		Instant bookedNow = offered.get(1);
		String busyId = slots.get(bookedNow).path("id").asText();
		calcomSlots.book(people.get(1), bookedNow, CalComSimulator.CLINIC);
		calcomSlots.cancel(bookedBeforeStartUid, "Patient feels better");
		bookings.pull("it-calcom-slots");

		List<Instant> offeredNow = calcomSlots.offeredSlots(CalComSimulator.EVENT_TYPE, from, to, SLOTS_ZONE);
		assertThat(offeredNow).contains(bookedBeforeStart).doesNotContain(bookedNow);
		Map<Instant, JsonNode> after = slots("it-availability");
		assertThat(after.entrySet().stream().filter(e -> e.getValue().path("status").asText().equals("free")).map(Map.Entry::getKey))
				.containsExactlyInAnyOrderElementsOf(offeredNow);
		JsonNode busy = after.get(bookedNow);
		assertThat(busy.path("status").asText()).isEqualTo("busy");
		assertThat(busy.path("id").asText()).isEqualTo(busyId);
		assertThat(busy.path("comment").asText()).contains("No longer offered");
		assertThat(after).hasSize(offeredNow.size() + 1);
		Map<String, String> slotVersionsAfter = versions("Slot", "it-availability");
		assertThat(slotVersionsAfter.get(busyId)).isEqualTo(String.valueOf(Integer.parseInt(slotVersions.get(busyId)) + 1));
		assertThat(slotVersionsAfter.entrySet().stream().filter(e -> slotVersions.containsKey(e.getKey())
				&& !e.getValue().equals(slotVersions.get(e.getKey())))).hasSize(1);
		assertThat(jdbc.sql("""
				select count(*) from connector_state where instance = 'it-calcom-slots' and resource_type = 'Slot'
				  and last_success_at is not null and (last_error_at is null or last_error_at < last_success_at)""")
				.query(Long.class).single()).isEqualTo(1);
	}

	@Test
	void icalEventsAreLoadedOnceAndOnlyAHigherSequenceChangesThem() throws Exception {
		LocalDateTime day = LocalDate.now().plusDays(3).atTime(9, 0);
		List<String> uids = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			uids.add(ical.add(people.get(i), day.plusMinutes(30L * i), "Annual check-up"));
		}

		feed.pull("it-ical");

		assertThat(count("Appointment", "it-ical")).isEqualTo(ical.size()).isEqualTo(4);
		assertThat(count("Patient", "it-ical")).isEqualTo(4);
		Map<String, String> versions = versions("Appointment", "it-ical");
		feed.pull("it-ical");
		ical.touch(uids.get(0), "Check-up (renamed without a new SEQUENCE)");
		feed.pull("it-ical");
		assertThat(versions("Appointment", "it-ical")).isEqualTo(versions);

		String system = "https://fhir.patient360.dev/source/it-ical/booking";
		JsonNode before = appointment(system, uids.get(1));
		ical.reschedule(uids.get(1), day.plusDays(1));
		ical.cancel(uids.get(2));
		feed.pull("it-ical");

		JsonNode moved = appointment(system, uids.get(1));
		assertThat(Integer.parseInt(moved.path("meta").path("versionId").asText()))
				.isEqualTo(Integer.parseInt(before.path("meta").path("versionId").asText()) + 1);
		String offset = day.plusDays(1).atZone(java.time.ZoneId.of("America/New_York")).getOffset().getId();
		assertThat(moved.path("start").asText()).isEqualTo(day.plusDays(1).toString() + ":00" + offset);
		assertThat(appointment(system, uids.get(2)).path("status").asText()).isEqualTo("cancelled");
		assertThat(appointment(system, uids.get(0)).path("description").asText()).isEqualTo("Annual check-up");
		assertThat(count("Appointment", "it-ical")).isEqualTo(4);
	}

	@Test
	void webhookWithABadSignatureIsRefusedAndADuplicateDeliveryIsAppliedOnce() throws Exception {
		String uid = calcomPush.book(people.get(4), Instant.now().plus(10, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS),
				"Main Street Clinic, Room 1");
		String created = calcomPush.webhookBody("BOOKING_CREATED", uid);

		HttpResponse<String> forged = postWebhook(created, CalComSimulator.signature("not-the-secret", created));
		assertThat(forged.statusCode()).isEqualTo(401);
		assertThat(forged.body()).contains("HUB-5055");
		assertThat(postWebhook(created, null).statusCode()).isEqualTo(401);
		assertThat(inbox("it-calcom-push")).isZero();

		String signature = CalComSimulator.signature(WEBHOOK_SECRET, created);
		assertThat(postWebhook(created, signature).statusCode()).isEqualTo(202);
		assertThat(postWebhook(created, signature).statusCode()).isEqualTo(202);
		assertThat(inbox("it-calcom-push")).isEqualTo(1);
		await().atMost(Duration.ofSeconds(30)).until(() -> count("Appointment", "it-webhook") == 1);
		await().atMost(Duration.ofSeconds(30)).until(() -> done("it-calcom-push") == 1);

		calcomPush.cancel(uid, "Cancelled by the patient");
		String cancelled = calcomPush.webhookBody("BOOKING_CANCELLED", uid);
		assertThat(postWebhook(cancelled, CalComSimulator.signature(WEBHOOK_SECRET, cancelled)).statusCode()).isEqualTo(202);
		await().atMost(Duration.ofSeconds(30)).until(() ->
				"cancelled".equals(appointment("https://fhir.patient360.dev/source/it-webhook/booking", uid).path("status").asText()));
		assertThat(count("Appointment", "it-webhook")).isEqualTo(1);
		assertThat(postWebhook(created, signature).statusCode()).isEqualTo(202);
		assertThat(inbox("it-calcom-push")).isEqualTo(2);
	}

	@Test
	void billingFileLoadsEveryGoodRowDeadLettersTheBadOneAndACorrectionMakesANewVersion() throws Exception {
		List<SyntheaPeople.Person> three = people.subList(0, 3);
		LocalDate day = LocalDate.now().minusDays(1);
		List<String> rows = new ArrayList<>(BillingCsvGenerator.rows(three, 2, "CHG-A", day));
		// Row 8 of the file (after the header and six good rows): an amount that is not a number.
		rows.add(BillingCsvGenerator.row("CHG-A-bad", three.get(0), 9, day, false).replace(",25.00,", ",twenty-five,"));
		billing.write("charges-1.csv", rows);

		await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(billing.folder().resolve(".done/charges-1.csv")));
		assertThat(count("ChargeItem", "it-billing")).isEqualTo(6);
		assertThat(count("Account", "it-billing")).isEqualTo(3);
		assertThat(count("Coverage", "it-billing")).isEqualTo(3);
		assertThat(count("Claim", "it-billing")).isEqualTo(3);
		assertThat(count("Patient", "it-billing")).isEqualTo(3);
		List<String> dead = jdbc.sql("select correlation_id from dead_letter where connector = 'it-billing'").query(String.class).list();
		assertThat(dead).containsExactly("charges-1.csv#8");

		Map<String, String> versions = versions("ChargeItem", "it-billing");
		billing.write("charges-1-again.csv", rows);
		await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(billing.folder().resolve(".done/charges-1-again.csv")));
		assertThat(versions("ChargeItem", "it-billing")).isEqualTo(versions);

		String corrected = BillingCsvGenerator.row("CHG-A-0", three.get(0), 0, day, true).replace(",95.00,", ",105.00,");
		billing.write("charges-2.csv", List.of(corrected, rows.get(1)));
		await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(billing.folder().resolve(".done/charges-2.csv")));
		Map<String, String> after = versions("ChargeItem", "it-billing");
		assertThat(after.entrySet().stream().filter(e -> !e.getValue().equals(versions.get(e.getKey())))).hasSize(1);
		JsonNode charge = search("ChargeItem?identifier=" + enc("https://fhir.patient360.dev/source/it-billing/charge|CHG-A-0"))
				.path("entry").get(0).path("resource");
		assertThat(charge.path("priceOverride").path("value").decimalValue()).isEqualByComparingTo("105.00");
		assertThat(charge.path("meta").path("versionId").asText()).isEqualTo("2");
		assertThat(count("ChargeItem", "it-billing")).isEqualTo(6);
	}

	private HttpResponse<String> postWebhook(String body, String signature) throws Exception {
		HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/webhooks/it-calcom-push"))
				.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
		if (signature != null) {
			r.header("X-Cal-Signature-256", signature);
		}
		return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
	}

	private long inbox(String instance) {
		return jdbc.sql("select count(*) from webhook_inbox where instance = ?").param(instance).query(Long.class).single();
	}

	private long done(String instance) {
		return jdbc.sql("select count(*) from webhook_inbox where instance = ? and status = 'DONE'").param(instance)
				.query(Long.class).single();
	}

	private long count(String type, String source) throws Exception {
		return search(type + "?_tag=" + enc(TAG + source) + "&_summary=count").path("total").asLong();
	}

	/** The source's Slots in the hub by start instant. */
	private Map<Instant, JsonNode> slots(String source) throws Exception {
		Map<Instant, JsonNode> slots = new TreeMap<>();
		for (JsonNode e : search("Slot?_tag=" + enc(TAG + source) + "&_count=500").path("entry")) {
			JsonNode r = e.path("resource");
			slots.put(java.time.OffsetDateTime.parse(r.path("start").asText()).toInstant(), r);
		}
		return slots;
	}

	private JsonNode appointment(String system, String key) throws Exception {
		JsonNode entries = search("Appointment?identifier=" + enc(system + "|" + key)).path("entry");
		assertThat(entries.size()).as("Appointment " + key).isEqualTo(1);
		return entries.get(0).path("resource");
	}

	private Map<String, String> versions(String type, String source) throws Exception {
		Map<String, String> v = new TreeMap<>();
		for (JsonNode e : search(type + "?_tag=" + enc(TAG + source) + "&_count=500").path("entry")) {
			v.put(e.path("resource").path("id").asText(), e.path("resource").path("meta").path("versionId").asText());
		}
		return v;
	}

	private JsonNode search(String query) throws Exception {
		HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(hub.fhirBase() + "/" + query))
				.header("Accept", "application/fhir+json").GET().build(), HttpResponse.BodyHandlers.ofString());
		assertThat(r.statusCode()).as(query).isEqualTo(200);
		return json.readTree(r.body());
	}

	private static String enc(String s) {
		return URLEncoder.encode(s, StandardCharsets.UTF_8);
	}
}
