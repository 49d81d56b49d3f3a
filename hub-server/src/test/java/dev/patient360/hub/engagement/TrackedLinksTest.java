package dev.patient360.hub.engagement;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TrackedLinksTest {

	final TrackedLinks links = new TrackedLinks("a-secret-of-sufficient-length");

	@Test
	void aTokenNamesTheRequestItWasMadeFor() {
		String token = links.token("1234");

		assertThat(token).matches("1234\\.[A-Za-z0-9_-]{22}");
		assertThat(links.requestId(token)).contains("1234");
	}

	@Test
	void aTokenForAnotherRequestOrAlteredOrSignedWithAnotherSecretIsRefused() {
		String token = links.token("1234");
		String mac = token.substring(token.indexOf('.') + 1);

		assertThat(links.requestId("1235." + mac)).isEmpty();
		assertThat(links.requestId(token.substring(0, token.length() - 1))).isEmpty();
		assertThat(links.requestId(token.substring(0, token.length() - 1) + (token.endsWith("A") ? "B" : "A"))).isEmpty();
		assertThat(new TrackedLinks("another-secret-of-enough-length").requestId(token)).isEmpty();
	}

	@Test
	void garbageIsRefusedWithoutAnError() {
		for (String garbage : new String[] {null, "", ".", "1234", "1234.", "1234.!!!", "../x.AAAA", "a/b.AAAAAAAAAAAAAAAAAAAAAA"}) {
			assertThat(links.requestId(garbage)).isEmpty();
		}
	}
}
