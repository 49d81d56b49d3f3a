package dev.patient360.routes.kit;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SourceHttpTest {

	@Test
	void retryAfterIsHonouredAsSecondsOrHttpDateWithinBounds() {
		assertThat(SourceHttp.retryAfter("3")).isEqualTo(Duration.ofSeconds(3));
		assertThat(SourceHttp.retryAfter("86400")).isEqualTo(Duration.ofMinutes(2));
		assertThat(SourceHttp.retryAfter(null)).isEqualTo(Duration.ofSeconds(5));
		assertThat(SourceHttp.retryAfter("soon")).isEqualTo(Duration.ofSeconds(5));
		String inTenSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(10));
		assertThat(SourceHttp.retryAfter(inTenSeconds)).isBetween(Duration.ofSeconds(7), Duration.ofSeconds(10));
		String past = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).minusHours(1));
		assertThat(SourceHttp.retryAfter(past)).isZero();
	}

	@Test
	void maxRequestsPerSecondBecomesAnEvenSpacingAndNonsenseIsRefusedWithItsCode() {
		assertThat(SourceHttp.Throttle.of("4").intervalNanos()).isEqualTo(Duration.ofMillis(250).toNanos());
		assertThat(SourceHttp.Throttle.of("0.5").intervalNanos()).isEqualTo(Duration.ofSeconds(2).toNanos());
		assertThat(SourceHttp.Throttle.of(null).intervalNanos()).isZero();
		assertThat(SourceHttp.Throttle.of("0").intervalNanos()).isZero();
		assertThatThrownBy(() -> SourceHttp.Throttle.of("fast")).hasMessageStartingWith("HUB-5004");
		assertThatThrownBy(() -> SourceHttp.Throttle.of("-1")).hasMessageStartingWith("HUB-5004");
	}
}
