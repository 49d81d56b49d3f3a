package dev.patient360.routes.simulator;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

/**
 * The demo's simulated sources in one process, started by {@code ./hub up}: an EHR (FHIR R4 with
 * SMART backend services), a Cal.com-like bookings API, an iCal feed and a billing CSV drop folder,
 * all with the same Synthea patients, and the far side of the reminder channels: a mail server
 * ({@link DemoMailServer}) and an SMS gateway ({@link SmsGatewaySimulator}). It writes the URLs, the
 * EHR client key and the folder to {@code <dir>/sources.env} (the hub script exports them for
 * {@code config/connectors.demo.yaml}) and then keeps the sources moving: every 30 s a new booking,
 * alternately a reschedule or cancellation, and every 60 s a new billing file. With a hub to talk to
 * ({@code DEMO_HUB_URL}), {@link DemoEngagement} makes reminders go out while the demo runs.
 *
 * <p>Settings (environment): {@code DEMO_DIR} (default {@code data/demo}), {@code DEMO_PATIENTS}
 * (default 20), {@code DEMO_SYNTHEA_DIR} (default {@code ../shared/data/synthea-r4/bundles});
 * {@code DEMO_SMTP_PORT} (2525), {@code DEMO_IMAP_PORT} (2143), {@code DEMO_SMS_PORT} (8025),
 * {@code ROUTES_SMS_RECEIPT_SECRET} (the key the SMS receipts are signed with); {@code DEMO_HUB_URL}
 * (the hub's FHIR base; unset = no {@link DemoEngagement}), {@code DEMO_HUB_TOKEN_URL} (unset = no
 * token, for a hub without security), {@code DEMO_HUB_CLIENT_ID} / {@code DEMO_HUB_CLIENT_SECRET}
 * (default {@code demo-admin} / {@code demo-admin-secret}).
 */
public final class DemoSources {

	static final String EHR_CLIENT_ID = "p360-demo-connector";

	private DemoSources() {
	}

	public static void main(String[] args) throws Exception {
		quietLogs();
		Path dir = Files.createDirectories(Path.of(env("DEMO_DIR", "data/demo")).toAbsolutePath());
		int patients = Integer.parseInt(env("DEMO_PATIENTS", "20"));
		Path synthea = Path.of(env("DEMO_SYNTHEA_DIR", SyntheaPeople.defaultFolder().toString()));
		Files.deleteIfExists(dir.resolve("sources.env"));

		KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
		gen.initialize(2048);
		KeyPair keys = gen.generateKeyPair();
		Path pem = dir.resolve("ehr-client-key.pem");
		Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n"
				+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(keys.getPrivate().getEncoded())
				+ "\n-----END PRIVATE KEY-----\n");
		EhrSimulator ehr = startEhr((RSAPublicKey) keys.getPublic(), synthea, patients);
		DemoMailServer mail = DemoMailServer.start(Integer.parseInt(env("DEMO_SMTP_PORT", "2525")),
				Integer.parseInt(env("DEMO_IMAP_PORT", "2143")));
		SmsGatewaySimulator sms = SmsGatewaySimulator.start(Integer.parseInt(env("DEMO_SMS_PORT", "8025")),
				env("ROUTES_SMS_RECEIPT_SECRET", "demo-sms-receipt-secret"));

		List<SyntheaPeople.Person> people = SyntheaPeople.load(synthea, patients);
		CalComSimulator calcom = new CalComSimulator(0, null, Clock.systemUTC());
		IcalFeedSimulator ical = new IcalFeedSimulator(0);
		BillingCsvGenerator billing = new BillingCsvGenerator(dir.resolve("billing-drop"));
		Instant tomorrow = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(1, ChronoUnit.DAYS);
		List<String> bookings = new ArrayList<>();
		for (int i = 0; i < people.size(); i++) {
			bookings.add(calcom.book(people.get(i), tomorrow.plus(30L * i, ChronoUnit.MINUTES),
					i % 3 == 0 ? "https://meet.example.org/lena-hartmann" : "Main Street Clinic, Room 4"));
		}
		LocalDateTime morning = LocalDate.now().plusDays(2).atTime(8, 0);
		for (int i = 0; i < people.size(); i += 2) {
			ical.add(people.get(i), morning.plusMinutes(20L * i), "Annual check-up");
		}
		billing.write("charges-initial.csv", BillingCsvGenerator.rows(people, 2, "CHG-DEMO", LocalDate.now().minusDays(1)));

		Path env = dir.resolve("sources.env");
		Path tmp = dir.resolve(".sources.env.tmp");
		Files.writeString(tmp, String.join("\n",
				"DEMO_EHR_URL=" + ehr.baseUrl(),
				"DEMO_EHR_TOKEN_URL=" + ehr.tokenUrl(),
				"DEMO_EHR_CLIENT_ID=" + EHR_CLIENT_ID,
				"DEMO_EHR_KEY=" + pem,
				"DEMO_CALCOM_URL=" + calcom.baseUrl(),
				"DEMO_ICAL_URL=" + ical.feedUrl(),
				"DEMO_BILLING_DIR=" + billing.folder().toUri(),
				"DEMO_SMTP_PORT=" + mail.smtpPort(),
				"DEMO_IMAP_PORT=" + mail.imapPort(),
				"DEMO_SMS_URL=" + sms.baseUrl(),
				""));
		Files.move(tmp, env, StandardCopyOption.ATOMIC_MOVE);
		System.out.printf("Demo sources up: EHR %s (%d patients), Cal.com %s, iCal %s, billing folder %s%n", ehr.baseUrl(),
				ehr.all("Patient").size(), calcom.baseUrl(), ical.feedUrl(), billing.folder());
		System.out.printf("Demo channels up: mail server SMTP 127.0.0.1:%d, IMAP 127.0.0.1:%d; SMS gateway %s/messages%n",
				mail.smtpPort(), mail.imapPort(), sms.baseUrl());
		DemoEngagement engagement = engagement(people, calcom, mail, sms);

		ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
		AtomicInteger tick = new AtomicInteger();
		timer.scheduleAtFixedRate(() -> {
			int n = tick.incrementAndGet();
			SyntheaPeople.Person p = people.get(n % people.size());
			bookings.add(calcom.book(p, tomorrow.plus(1, ChronoUnit.DAYS).plus(15L * n, ChronoUnit.MINUTES), "Main Street Clinic, Room 4"));
			if (n % 3 == 0) {
				calcom.cancel(bookings.get(n % bookings.size()), "Patient cancelled online");
			}
			else if (n % 3 == 1) {
				String uid = bookings.get(n % bookings.size());
				if (!calcom.booking(uid).has("rescheduledToUid") && !"cancelled".equals(calcom.booking(uid).path("status").asText())) {
					bookings.add(calcom.reschedule(uid, tomorrow.plus(2, ChronoUnit.DAYS).plus(15L * n, ChronoUnit.MINUTES)));
				}
			}
			try {
				if (n % 2 == 0) {
					billing.write("charges-" + n + ".csv", List.of(BillingCsvGenerator.row("CHG-LIVE-" + n, p, n, LocalDate.now(), true)));
				}
			}
			catch (java.io.IOException e) {
				System.err.println("billing file not written: " + e.getMessage());
			}
		}, 30, 30, TimeUnit.SECONDS);
		AtomicReference<String> reported = new AtomicReference<>("");
		timer.scheduleWithFixedDelay(() -> {
			try {
				if (engagement != null) {
					engagement.patientsRespond();
				}
				// Counts only: what the messages say is the patients' business.
				String counts = String.format("Demo channels: %d mails received, %d SMS requested",
						mail.greenMail().getReceivedMessages().length,
						sms.wireMock().findAll(postRequestedFor(urlPathEqualTo("/messages"))).size());
				if (!counts.equals(reported.getAndSet(counts))) {
					System.out.println(counts);
				}
			}
			catch (RuntimeException e) {
				System.err.println("demo channels check failed: " + e.getMessage());
			}
		}, 5, 5, TimeUnit.SECONDS);
		if (engagement != null) {
			Thread frontDesk = new Thread(() -> {
				try {
					int done = engagement.recordConsentsAndBook(Duration.ofMinutes(10));
					System.out.printf("Demo front desk: contact consent and preference recorded and a visit within the"
							+ " reminder lead time booked for %d of %d patients%n", done, DemoEngagement.CONSENTING_PATIENTS);
				}
				catch (InterruptedException e) {
					Thread.currentThread().interrupt();
				}
				catch (RuntimeException e) {
					System.err.println("demo front desk stopped: " + e.getMessage());
				}
			}, "demo-front-desk");
			frontDesk.setDaemon(true);
			frontDesk.start();
		}

		CountDownLatch stop = new CountDownLatch(1);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			timer.shutdownNow();
			calcom.close();
			ical.close();
			ehr.close();
			sms.close();
			mail.close();
			stop.countDown();
		}, "demo-sources-stop"));
		stop.await();
	}

	/** The EHR simulator of the demo: the one place that names which EHR simulator runs. */
	static EhrSimulator startEhr(RSAPublicKey key, Path synthea, int patients) throws Exception {
		return EhrSimulator.start(0, synthea, patients, EHR_CLIENT_ID, key, Duration.ofMinutes(5));
	}

	/** The engagement side needs the hub; without {@code DEMO_HUB_URL} the demo runs without it. */
	private static DemoEngagement engagement(List<SyntheaPeople.Person> people, CalComSimulator calcom,
			DemoMailServer mail, SmsGatewaySimulator sms) {
		String hub = env("DEMO_HUB_URL", null);
		if (hub == null) {
			System.out.println("Demo front desk off: no DEMO_HUB_URL");
			return null;
		}
		return new DemoEngagement(new DemoEngagement.Hub(hub, env("DEMO_HUB_TOKEN_URL", null),
				env("DEMO_HUB_CLIENT_ID", "demo-admin"), env("DEMO_HUB_CLIENT_SECRET", "demo-admin-secret")),
				people, calcom, mail, sms, Clock.systemUTC());
	}

	private static String env(String name, String dflt) {
		String v = System.getenv(name);
		return v == null || v.isBlank() ? dflt : v;
	}

	/**
	 * This process has no logging configuration of its own, and Logback's default logs everything at
	 * DEBUG; GreenMail logs each mail's recipients at INFO. The demo's people are synthetic, but the
	 * simulators keep to the project's rule all the same: nothing that names a person above DEBUG.
	 */
	private static void quietLogs() {
		if (LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
			root.setLevel(ch.qos.logback.classic.Level.INFO);
		}
		if (LoggerFactory.getLogger("com.icegreen.greenmail") instanceof ch.qos.logback.classic.Logger greenMail) {
			greenMail.setLevel(ch.qos.logback.classic.Level.WARN);
		}
	}
}
