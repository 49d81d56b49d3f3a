import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the hub's CPU went, from a JFR recording's execution samples: top methods by self and
 * inclusive samples, top packages and libraries by self samples, busiest threads, GC pauses, and
 * CPU by thread from jdk.ThreadCPULoad (which, unlike the samples, sees the JIT compiler threads).
 * Run with the JDK alone:
 *
 * <pre>java bench/JfrTop.java hub.jfr [--window FROM TO] [--top 25]</pre>
 *
 * FROM and TO are ISO instants, e.g. the "phase ingest-4 FROM TO" line the benchmark prints, so a
 * recording of a whole run can be read for one phase.
 */
public final class JfrTop {

	public static void main(String[] args) throws Exception {
		if (args.length == 0) {
			System.err.println("usage: JfrTop.java FILE [--window FROM TO] [--top N]");
			System.exit(2);
		}
		Path file = Path.of(args[0]);
		Instant from = Instant.MIN;
		Instant to = Instant.MAX;
		int top = 25;
		for (int i = 1; i < args.length; i++) {
			switch (args[i]) {
				case "--window" -> {
					from = Instant.parse(args[++i]);
					to = Instant.parse(args[++i]);
				}
				case "--top" -> top = Integer.parseInt(args[++i]);
				default -> throw new IllegalArgumentException("unknown option " + args[i]);
			}
		}

		Map<String, Integer> selfMethod = new HashMap<>();
		Map<String, Integer> inclusiveMethod = new HashMap<>();
		Map<String, Integer> selfPackage = new HashMap<>();
		Map<String, Integer> selfLibrary = new HashMap<>();
		Map<String, Integer> firstAppFrame = new HashMap<>();
		Map<String, Integer> threads = new HashMap<>();
		Map<String, Double> threadCpu = new HashMap<>();
		int samples = 0;
		int gcCount = 0;
		Duration gcPause = Duration.ZERO;

		// Streamed event by event: a profile of a whole run is too big to hold in memory at once.
		try (RecordingFile recording = new RecordingFile(file)) {
			while (recording.hasMoreEvents()) {
				RecordedEvent e = recording.readEvent();
				Instant t = e.getStartTime();
				if (t.isBefore(from) || t.isAfter(to)) {
					continue;
				}
				String type = e.getEventType().getName();
				if (type.equals("jdk.ThreadCPULoad")) {
					// Covers every thread, JIT compilers and GC included, which execution samples do not.
					var t2 = e.getThread();
					String n = t2 == null ? "?" : t2.getJavaName() != null ? t2.getJavaName() : t2.getOSName();
					threadCpu.merge(n == null ? "?" : n.replaceAll("[-#]?\\d+$", "-N"),
							(double) e.getFloat("user") + e.getFloat("system"), Double::sum);
					continue;
				}
				if (type.equals("jdk.GarbageCollection")) {
					gcCount++;
					gcPause = gcPause.plus(e.getDuration("sumOfPauses"));
					continue;
				}
				if (!type.equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
					continue;
				}
				List<RecordedFrame> frames = e.getStackTrace().getFrames();
				if (frames.isEmpty()) {
					continue;
				}
				samples++;
				RecordedMethod m = frames.get(0).getMethod();
				String cls = m.getType().getName();
				add(selfMethod, name(m));
				add(selfPackage, packageOf(cls));
				add(selfLibrary, libraryOf(cls));
				// Which code outside the JDK asked for the JDK work (string building, hashing, regex...).
				for (RecordedFrame f : frames) {
					String c = f.getMethod().getType().getName();
					if (!isJdk(c)) {
						add(firstAppFrame, name(f.getMethod()));
						break;
					}
				}
				Set<String> seen = new HashSet<>();
				for (RecordedFrame f : frames) {
					String n = name(f.getMethod());
					if (seen.add(n)) {
						add(inclusiveMethod, n);
					}
				}
				String thread = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
				// Pool threads differ only by a trailing number; group them.
				add(threads, thread == null ? "?" : thread.replaceAll("[-#]?\\d+$", "-N"));
			}
		}

		System.out.printf(Locale.ROOT, "%,d execution samples%s; GC: %d collections, %.1f s paused%n", samples,
				from == Instant.MIN ? "" : " between " + from + " and " + to, gcCount, gcPause.toMillis() / 1000.0);
		if (samples == 0) {
			return;
		}
		print("Top libraries (self)", selfLibrary, samples, top);
		print("Top packages (self)", selfPackage, samples, top);
		print("Top methods (self)", selfMethod, samples, top);
		print("Top non-JDK frames on top of the stack (who calls the JDK code that burns CPU)", firstAppFrame, samples, top);
		// Frames on (nearly) every stack are the request plumbing (Tomcat, filters, the transaction
		// entry point); leaving them out shows how the work below them splits up.
		Map<String, Integer> below = new HashMap<>(inclusiveMethod);
		int everywhere = (int) Math.ceil(0.85 * samples);
		below.values().removeIf(v -> v >= everywhere);
		print("Top methods (inclusive: anywhere on the stack; frames on >= 85 % of stacks left out)", below, samples, top * 2);
		print("Threads (execution samples)", threads, samples, 10);
		double cpuTotal = threadCpu.values().stream().mapToDouble(Double::doubleValue).sum();
		if (cpuTotal > 0) {
			System.out.println();
			System.out.println("CPU by thread (jdk.ThreadCPULoad: all threads, JIT compilers and GC included)");
			threadCpu.entrySet().stream()
					.sorted(Map.Entry.<String, Double>comparingByValue().reversed())
					.limit(10)
					.forEach(en -> System.out.printf(Locale.ROOT, "  %5.1f %%  %s%n", 100 * en.getValue() / cpuTotal, en.getKey()));
		}
	}

	private static void add(Map<String, Integer> m, String k) {
		m.merge(k, 1, Integer::sum);
	}

	private static String name(RecordedMethod m) {
		String cls = m.getType().getName();
		return cls.substring(cls.lastIndexOf('.') + 1) + "." + m.getName() + "  [" + packageOf(cls) + "]";
	}

	private static String packageOf(String cls) {
		int i = cls.lastIndexOf('.');
		return i < 0 ? "(default)" : cls.substring(0, i);
	}

	/** First three package segments (two for the JDK): ca.uhn.fhir, org.hibernate.orm, java.util ... */
	private static String libraryOf(String cls) {
		String[] p = packageOf(cls).split("\\.");
		int n = isJdk(cls) ? 2 : 3;
		return String.join(".", java.util.Arrays.copyOf(p, Math.min(n, p.length)));
	}

	private static boolean isJdk(String cls) {
		return cls.startsWith("java.") || cls.startsWith("jdk.") || cls.startsWith("sun.") || cls.startsWith("javax.");
	}

	private static void print(String title, Map<String, Integer> counts, int total, int top) {
		System.out.println();
		System.out.println(title);
		counts.entrySet().stream()
				.sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
				.limit(top)
				.forEach(en -> System.out.printf(Locale.ROOT, "  %5.1f %%  %6d  %s%n", 100.0 * en.getValue() / total,
						en.getValue(), en.getKey()));
	}
}
