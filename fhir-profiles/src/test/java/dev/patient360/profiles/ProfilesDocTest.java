package dev.patient360.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.patient360.profiles.build.ProfilesDoc;
import org.junit.jupiter.api.Test;

/**
 * docs/profiles.md carries the tables rendered from the package; this test fails when they are stale.
 * Regenerate with {@code ./mvnw -B -o -pl fhir-profiles test -Dtest=ProfilesDocTest -Dprofiles.doc.write=true}.
 */
class ProfilesDocTest {

	private static final Path DOC = Path.of("../docs/profiles.md");

	@Test
	void theGeneratedPartOfTheProfilesPageMatchesThePackage() throws IOException {
		String page = Files.readString(DOC);
		int begin = page.indexOf(ProfilesDoc.BEGIN);
		int end = page.indexOf(ProfilesDoc.END);
		assertThat(begin).as("generated block markers in " + DOC).isNotNegative();
		assertThat(end).isGreaterThan(begin);
		String current = page.substring(begin, end + ProfilesDoc.END.length() + 1);
		String rendered = ProfilesDoc.render();
		if (Boolean.getBoolean("profiles.doc.write") && !current.equals(rendered)) {
			Files.writeString(DOC, page.substring(0, begin) + rendered + page.substring(end + ProfilesDoc.END.length() + 1));
			return;
		}
		assertThat(current).as("docs/profiles.md is stale; regenerate it (see this test's javadoc)").isEqualTo(rendered);
	}
}
