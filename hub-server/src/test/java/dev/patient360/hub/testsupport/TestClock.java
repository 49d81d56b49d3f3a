package dev.patient360.hub.testsupport;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * The hub's clock in integration tests: real time until a test sets it, then standing still at
 * what it was set to. One per test context (it is a bean of the shared configuration), so a test
 * that sets it sets it at its start and {@link #reset() resets} it at its end.
 */
public final class TestClock extends Clock {

	/** The link-tracking secret of the test hubs (the hub refuses to start without one). */
	public static final String TRACKING_SECRET = "integration-test-tracking-secret";

	private volatile Instant fixed;

	public void set(Instant instant) {
		this.fixed = instant;
	}

	public void reset() {
		this.fixed = null;
	}

	@Override
	public Instant instant() {
		Instant f = fixed;
		return f != null ? f : Instant.now();
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		throw new UnsupportedOperationException("the hub works in UTC instants");
	}

	/** Puts the controllable clock in place of the hub's (imported by the integration test bases). */
	@TestConfiguration(proxyBeanMethods = false)
	public static class Config {
		@Bean
		@Primary
		TestClock testClock() {
			return new TestClock();
		}
	}
}
