package dev.patient360.hub.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;

/**
 * The third-party data beside the repository ({@code ../shared/data}). It is not ours and not in the
 * repository; tests that need it are skipped with a clear message where it is missing.
 */
public final class SharedData {

	private SharedData() {
	}

	/** {@code ../shared/data/<relative>} seen from the repository root (or any module in it). */
	public static Path path(String relative) {
		for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
			Path candidate = dir.resolveSibling("shared").resolve("data").resolve(relative);
			if (Files.exists(candidate) && Files.isRegularFile(dir.resolve("pom.xml"))) {
				return candidate;
			}
		}
		Assumptions.abort("../shared/data/" + relative + " is not beside the repository; skipping");
		throw new IllegalStateException("unreachable");
	}
}
