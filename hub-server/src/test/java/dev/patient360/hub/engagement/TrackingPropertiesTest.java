package dev.patient360.hub.engagement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;

import org.junit.jupiter.api.Test;

class TrackingPropertiesTest {

	static final URI HUB = URI.create("https://hub.example.org");
	static final URI TARGET = URI.create("https://practice.example.org/appointments");

	@Test
	void trackingWithoutSecretRefusesToStartWithTheReason() {
		assertThatThrownBy(() -> new TrackingProperties(true, null, false, HUB, TARGET))
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessageStartingWith("HUB-6023")
				.hasMessageContaining("HUB_ENGAGEMENT_TRACKING_SECRET");
		assertThatThrownBy(() -> new TrackingProperties(true, "  ", false, HUB, TARGET))
				.hasMessageStartingWith("HUB-6023");
	}

	@Test
	void aShortSecretIsRefused() {
		assertThatThrownBy(() -> new TrackingProperties(true, "short", false, HUB, TARGET))
				.hasMessageStartingWith("HUB-6023")
				.hasMessageContaining("16");
	}

	@Test
	void theDevelopmentSecretIsUsedOnlyWhenAllowedExplicitly() {
		TrackingProperties dev = new TrackingProperties(true, null, true, HUB, TARGET);

		assertThat(dev.usesDevSecret()).isTrue();
		assertThat(dev.effectiveSecret()).isEqualTo(TrackingProperties.DEV_SECRET);
		assertThat(new TrackingProperties(true, "a-real-secret-from-the-env", true, HUB, TARGET).usesDevSecret()).isFalse();
	}

	@Test
	void withoutTrackingNoSecretIsNeeded() {
		assertThat(new TrackingProperties(false, null, false, HUB, TARGET).enabled()).isFalse();
	}

	@Test
	void theSecretIsNotPrinted() {
		assertThat(new TrackingProperties(true, "a-real-secret-from-the-env", false, HUB, TARGET).toString())
				.doesNotContain("a-real-secret-from-the-env");
	}
}
