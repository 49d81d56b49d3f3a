import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HL7 v2 ingestion benchmark: streams N synthetic messages (mixed ADT A04/A08, SIU S12, DFT P03 over
 * a pool of N/5 patients, unique MSH-10 each) over K MLLP connections to camel-routes, then waits
 * until the hub holds one new Provenance per message. Prints messages/s accepted (ACKed AA), ACK
 * latency p50/p99 and the end-to-end time until all are in the hub. Run the connector in its
 * default inbox mode.
 *
 *   java bench/MllpBench.java 127.0.0.1 2575 http://127.0.0.1:8080/fhir [N=10000] [K=4]
 *
 * BENCH_TOKEN (optional) is sent as bearer token for the hub count queries.
 */
public class MllpBench {

	public static void main(String[] args) throws Exception {
		String host = args[0];
		int port = Integer.parseInt(args[1]);
		String hub = args[2];
		int n = args.length > 3 ? Integer.parseInt(args[3]) : 10_000;
		int k = args.length > 4 ? Integer.parseInt(args[4]) : 4;
		String run = Long.toString(System.currentTimeMillis(), 36).toUpperCase();
		long before = provenanceCount(hub);
		long[] latencies = new long[n];
		AtomicInteger next = new AtomicInteger();
		AtomicInteger accepted = new AtomicInteger();
		long start = System.nanoTime();
		List<Thread> senders = new ArrayList<>();
		for (int c = 0; c < k; c++) {
			Thread t = new Thread(() -> {
				try (Socket s = new Socket(host, port)) {
					s.setSoTimeout(60_000);
					OutputStream out = s.getOutputStream();
					InputStream in = s.getInputStream();
					int i;
					while ((i = next.getAndIncrement()) < n) {
						byte[] msg = message(run, i, n).getBytes(StandardCharsets.UTF_8);
						long t0 = System.nanoTime();
						out.write(0x0B);
						out.write(msg);
						out.write(new byte[] {0x1C, 0x0D});
						out.flush();
						String ack = readFrame(in);
						latencies[i] = System.nanoTime() - t0;
						if (ack.contains("MSA|AA|")) {
							accepted.incrementAndGet();
						}
					}
				}
				catch (IOException e) {
					throw new RuntimeException(e);
				}
			});
			t.start();
			senders.add(t);
		}
		for (Thread t : senders) {
			t.join();
		}
		double sendSeconds = (System.nanoTime() - start) / 1e9;
		Arrays.sort(latencies);
		System.out.printf("sent %d messages over %d connections in %.1f s: %.0f messages/s accepted (%d AA)%n",
				n, k, sendSeconds, accepted.get() / sendSeconds, accepted.get());
		System.out.printf("ACK latency p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
				latencies[n / 2] / 1e6, latencies[(int) (n * 0.99)] / 1e6, latencies[n - 1] / 1e6);
		long target = before + accepted.get();
		long count;
		while ((count = provenanceCountRetrying(hub)) < target) {
			Thread.sleep(1000);
			System.out.printf("  in the hub: %d / %d after %.0f s%n", count - before, accepted.get(), (System.nanoTime() - start) / 1e9);
		}
		double e2e = (System.nanoTime() - start) / 1e9;
		System.out.printf("end to end: all %d in the hub after %.1f s (%.0f messages/s)%n", accepted.get(), e2e, accepted.get() / e2e);
	}

	/** A pronounceable name of its own for each number (base-15 syllables, then a salt). */
	static String word(int number, int salt) {
		String[] syllables = {"ba", "ke", "lo", "mi", "nu", "ra", "so", "ti", "wu", "ze", "dan", "fer", "gol", "hin", "por"};
		StringBuilder b = new StringBuilder();
		int x = number * 31 + salt;
		do {
			b.append(syllables[x % syllables.length]);
			x /= syllables.length;
		}
		while (x > 0);
		return Character.toUpperCase(b.charAt(0)) + b.substring(1);
	}

	/** 50 % ADT (A04 then A08), 30 % SIU S12, 20 % DFT P03, over a pool of n/5 patients. */
	static String message(String run, int i, int n) {
		int patient = i % Math.max(1, n / 5);
		// Distinct people: names, birth dates, addresses and phones differ, so the patient index links
		// nobody (digits in names would not do: phonetic matching ignores them).
		String pid = "PID|1||BENCH" + run + "-" + patient + "^^^BENCH^MR||" + word(patient, 7) + "^" + word(patient, 3) + "||"
				+ String.format("%04d%02d%02d", 1940 + patient % 60, 1 + patient / 60 % 12, 1 + patient / 720 % 28) + "|"
				+ (patient % 2 == 0 ? "F" : "M") + "|||Street " + (1 + patient) + "^^Berlin^^" + (10115 + patient % 800)
				+ "^DE||030" + String.format("%07d", patient) + "\r";
		String msh = "MSH|^~\\&|BENCHAPP|BENCHFAC|HUB|HUB|20260101120000+0100||%s|" + run + "-" + i + "|P|2.5.1\r";
		int kind = i % 10;
		if (kind < 5) {
			String event = kind < 2 ? "A04" : "A08";
			return String.format(msh, "ADT^" + event + "^ADT_A01") + "EVN|" + event + "|20260101120000\r" + pid
					+ "PV1|1|O|AMB^1^1||||1234^Doc^Ann||||||||||||V" + run + "-" + patient + "^^^BENCH^VN|||||||||||||||||||||||||20260101120000+0100\r";
		}
		if (kind < 8) {
			return String.format(msh, "SIU^S12^SIU_S12") + "SCH||A" + run + "-" + i + "|||||Checkup|||60|min\r"
					+ "TQ1|||||||202601021000+0100|202601021100+0100\r" + pid
					+ "RGS|1\rAIP|1||1234^Doc^Ann\rAIL|1||AMB^1^1^Clinic\r";
		}
		return String.format(msh, "DFT^P03^DFT_P03") + "EVN|P03|20260101120000\r" + pid
				+ "PV1|1|O|AMB^1^1||||||||||||||||V" + run + "-" + patient + "^^^BENCH^VN\r"
				+ "FT1|1|T" + run + "-" + i + "||20260101120000+0100||CG|99213^Visit^CPT|||1|80.00&EUR\r";
	}

	private static String readFrame(InputStream in) throws IOException {
		ByteArrayOutputStream buf = new ByteArrayOutputStream();
		int b;
		while ((b = in.read()) != 0x0B) {
			if (b < 0) {
				throw new IOException("closed");
			}
		}
		int prev = -1;
		while ((b = in.read()) >= 0) {
			if (prev == 0x1C && b == 0x0D) {
				return buf.toString(StandardCharsets.UTF_8);
			}
			buf.write(b);
			prev = b;
		}
		throw new IOException("closed inside a frame");
	}

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
	private static final Pattern TOTAL = Pattern.compile("\"total\"\\s*:\\s*(\\d+)");

	/** A busy hub may drop a count query; the run goes on (the messages are already accepted). */
	private static long provenanceCountRetrying(String hub) throws Exception {
		for (int attempt = 1; ; attempt++) {
			try {
				return provenanceCount(hub);
			}
			catch (IOException | IllegalStateException e) {
				if (attempt == 30) {
					throw e;
				}
				System.out.printf("  count query failed (%s), retrying%n", e.getClass().getSimpleName());
				Thread.sleep(2000);
			}
		}
	}

	private static long provenanceCount(String hub) throws Exception {
		HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(hub + "/Provenance?_summary=count"))
				.header("Accept", "application/fhir+json");
		String token = System.getenv("BENCH_TOKEN");
		if (token != null && !token.isBlank()) {
			r.header("Authorization", "Bearer " + token);
		}
		HttpResponse<String> response = HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
		Matcher m = TOTAL.matcher(response.body());
		if (response.statusCode() != 200 || !m.find()) {
			throw new IllegalStateException("hub answered " + response.statusCode() + " to the Provenance count");
		}
		return Long.parseLong(m.group(1));
	}
}
