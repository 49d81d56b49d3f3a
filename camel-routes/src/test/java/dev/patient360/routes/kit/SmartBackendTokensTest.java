package dev.patient360.routes.kit;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SmartBackendTokensTest {

	private static final Instant ISSUED = Instant.parse("2026-01-01T10:00:00Z");

	@Test
	void aTokenIsRenewedRefreshBeforeAheadOfItsExpiry() {
		assertThat(SmartBackendTokens.renewAt(ISSUED, Duration.ofMinutes(5), Duration.ofSeconds(30)))
				.isEqualTo(ISSUED.plusSeconds(270));
	}

	@Test
	void aShortLivedTokenIsKeptForHalfItsLifetimeInsteadOfRenewedBeforeEveryRequest() {
		assertThat(SmartBackendTokens.renewAt(ISSUED, Duration.ofSeconds(4), Duration.ofSeconds(30)))
				.isEqualTo(ISSUED.plusSeconds(2));
		assertThat(SmartBackendTokens.renewAt(ISSUED, Duration.ofSeconds(60), Duration.ofSeconds(30)))
				.isEqualTo(ISSUED.plusSeconds(30));
	}

	@Test
	void aTokenWithoutLifetimeIsRenewedAtOnce() {
		assertThat(SmartBackendTokens.renewAt(ISSUED, Duration.ZERO, Duration.ofSeconds(30))).isEqualTo(ISSUED);
	}
}
