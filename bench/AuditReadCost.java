import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;

/**
 * Cost of the audit trail on reads: sequential GET Patient/{id} against two hubs, one with
 * HUB_AUDIT_ENABLED=true and one with false, in alternating rounds so that drift of a shared
 * machine hits both alike. Prints per-round and overall median / p95 / mean latency.
 *
 *   java bench/AuditReadCost.java http://127.0.0.1:18081/fhir http://127.0.0.1:18082/fhir [reads] [rounds]
 *
 * Loopback only; bounded by reads x rounds requests per hub.
 */
public class AuditReadCost {

	public static void main(String[] args) throws Exception {
		String audited = args[0];
		String unaudited = args[1];
		int reads = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
		int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		String auditedPatient = createPatient(http, audited);
		String unauditedPatient = createPatient(http, unaudited);
		// Warm-up: JIT, connection pools, HAPI caches.
		time(http, audited, auditedPatient, 300);
		time(http, unaudited, unauditedPatient, 300);
		long[] on = new long[0];
		long[] off = new long[0];
		for (int r = 1; r <= rounds; r++) {
			long[] a = time(http, audited, auditedPatient, reads);
			long[] b = time(http, unaudited, unauditedPatient, reads);
			System.out.printf("round %d  audit on : %s%n", r, summary(a));
			System.out.printf("round %d  audit off: %s%n", r, summary(b));
			on = concat(on, a);
			off = concat(off, b);
		}
		System.out.printf("all      audit on : %s%n", summary(on));
		System.out.printf("all      audit off: %s%n", summary(off));
	}

	private static String createPatient(HttpClient http, String base) throws Exception {
		HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base + "/Patient"))
				.header("Content-Type", "application/fhir+json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Patient\",\"active\":true}")).build(),
				HttpResponse.BodyHandlers.ofString());
		if (created.statusCode() != 201) {
			throw new IllegalStateException("create answered " + created.statusCode());
		}
		return created.headers().firstValue("Location").orElseThrow().replaceAll(".*/Patient/([^/]+)/.*", "$1");
	}

	private static long[] time(HttpClient http, String base, String id, int n) throws Exception {
		long[] micros = new long[n];
		HttpRequest read = HttpRequest.newBuilder(URI.create(base + "/Patient/" + id)).timeout(Duration.ofSeconds(30)).build();
		for (int i = 0; i < n; i++) {
			long start = System.nanoTime();
			HttpResponse<Void> response = http.send(read, HttpResponse.BodyHandlers.discarding());
			micros[i] = (System.nanoTime() - start) / 1000;
			if (response.statusCode() != 200) {
				throw new IllegalStateException("read answered " + response.statusCode());
			}
		}
		return micros;
	}

	private static String summary(long[] micros) {
		long[] sorted = micros.clone();
		Arrays.sort(sorted);
		double mean = Arrays.stream(sorted).average().orElse(0) / 1000.0;
		return String.format("n=%d median=%.2f ms p95=%.2f ms mean=%.2f ms", sorted.length,
				sorted[sorted.length / 2] / 1000.0, sorted[(int) (sorted.length * 0.95)] / 1000.0, mean);
	}

	private static long[] concat(long[] a, long[] b) {
		long[] c = Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, c, a.length, b.length);
		return c;
	}
}
