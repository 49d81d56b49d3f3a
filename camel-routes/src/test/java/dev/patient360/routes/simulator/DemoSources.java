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
import java.util.stream.Stream;


/**
 * The demo's simulated sources in one process, started by {@code ./hub up}: an EHR (FHIR R4 with
 * SMART backend services), a Cal.com-like bookings API, an iCal feed and a billing CSV drop folder,
 * all with the same Synthea patients. It writes the URLs, the EHR client key and the folder to
 * {@code <dir>/sources.env} (the hub script exports them for {@code config/connectors.demo.yaml})
 * and then keeps the sources moving: every 30 s a new booking, every 45 s a reschedule or
 * cancellation, and every 60 s a new billing file.
 *
 * <p>Settings (environment): {@code DEMO_DIR} (default {@code data/demo}), {@code DEMO_PATIENTS}
 * (default 20), {@code DEMO_SYNTHEA_DIR} (default {@code ../shared/data/synthea-r4/bundles}).
 */
public final class DemoSources {

	static final String EHR_CLIENT_ID = "p360-demo-connector";

	private DemoSources() {
	}

	public static void main(String[] args) throws Exception {
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
				""));
		Files.move(tmp, env, StandardCopyOption.ATOMIC_MOVE);
		System.out.printf("Demo sources up: EHR %s (%d patients), Cal.com %s, iCal %s, billing folder %s%n", ehr.baseUrl(),
				ehr.all("Patient").size(), calcom.baseUrl(), ical.feedUrl(), billing.folder());

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

		CountDownLatch stop = new CountDownLatch(1);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			timer.shutdownNow();
			calcom.close();
			ical.close();
			ehr.close();
			stop.countDown();
		}, "demo-sources-stop"));
		stop.await();
	}

	/** The EHR simulator of the demo: the one place that names which EHR simulator runs. */
	static EhrSimulator startEhr(RSAPublicKey key, Path synthea, int patients) throws Exception {
		return EhrSimulator.start(0, synthea, patients, EHR_CLIENT_ID, key, Duration.ofMinutes(5));
	}

	private static String env(String name, String dflt) {
		String v = System.getenv(name);
		return v == null || v.isBlank() ? dflt : v;
	}
}
