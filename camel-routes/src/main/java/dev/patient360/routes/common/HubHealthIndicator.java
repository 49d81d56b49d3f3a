package dev.patient360.routes.common;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The hub's reachability as last seen by the {@code hub-heartbeat} route, shown as the {@code hub}
 * component of {@code /actuator/health}. It reports the last check instead of calling the hub
 * itself, so health requests never wait on the network. While the hub (or the token endpoint)
 * refuses the connector's credentials on writes, it is DOWN with {@code HUB-4033} whatever the
 * heartbeat says: {@code /metadata} answers without a token, writes do not.
 */
@Component
class HubHealthIndicator implements HealthIndicator {

	private final AtomicReference<Health> last =
			new AtomicReference<>(Health.unknown().withDetail("reason", "no heartbeat yet").build());

	private final AtomicReference<Health> refused = new AtomicReference<>();

	@Override
	public Health health() {
		Health r = refused.get();
		return r != null ? r : last.get();
	}

	/** @param reason which endpoint and status; never a token or a response body */
	void credentialsRefused(String reason) {
		Health current = refused.get();
		String since = current == null ? Instant.now().toString() : (String) current.getDetails().get("since");
		refused.set(Health.down().withDetail("error", "HUB-4033 the hub refuses the connector's credentials; "
				+ "writes are retried with backoff, nothing is dead-lettered for it")
				.withDetail("reason", reason).withDetail("since", since)
				.withDetail("lastRefusedAt", Instant.now().toString()).build());
	}

	void credentialsAccepted() {
		if (refused.get() != null) {
			refused.set(null);
		}
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
