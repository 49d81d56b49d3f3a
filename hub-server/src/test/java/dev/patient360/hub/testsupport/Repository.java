package dev.patient360.hub.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of this repository outside the module, found from whichever module directory tests run in. */
public final class Repository {

	private Repository() {
	}

	/** {@code <repository root>/<relative>}; fails when it does not exist. */
	public static Path path(String relative) {
		for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
			Path candidate = dir.resolve(relative);
			if (Files.exists(candidate) && Files.isRegularFile(dir.resolve("pom.xml"))) {
				return candidate;
			}
		}
		throw new IllegalStateException(relative + " not found in the repository above " + Path.of("").toAbsolutePath());
	}
}
