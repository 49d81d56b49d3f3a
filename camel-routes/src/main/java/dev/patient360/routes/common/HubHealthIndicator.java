package dev.patient360.routes.common;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The hub's reachability as last seen by the {@code hub-heartbeat} route, shown as the {@code hub}
 * component of {@code /actuator/health}. It reports the last check instead of calling the hub
 * itself, so health requests never wait on the network.
 */
@Component
class HubHealthIndicator implements HealthIndicator {

	private final AtomicReference<Health> last =
			new AtomicReference<>(Health.unknown().withDetail("reason", "no heartbeat yet").build());

	@Override
	public Health health() {
		return last.get();
	}

	void answered(String url, int status, Instant at) {
		Health.Builder health = status >= 200 && status < 300 ? Health.up() : Health.down();
		last.set(health.withDetail("url", url).withDetail("httpStatus", status)
				.withDetail("checkedAt", at.toString()).build());
	}

	void unreachable(String url, Exception error, Instant at) {
		last.set(Health.down().withDetail("url", url).withDetail("error", describe(error))
				.withDetail("checkedAt", at.toString()).build());
	}

	/** Network errors only; their text names a host or port, never patient data. */
	private static String describe(Exception error) {
		return error.getMessage() == null ? error.getClass().getSimpleName()
				: error.getClass().getSimpleName() + ": " + error.getMessage();
	}
}
