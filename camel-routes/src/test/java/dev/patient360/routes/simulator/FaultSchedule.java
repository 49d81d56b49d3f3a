package dev.patient360.routes.simulator;

import java.util.concurrent.atomic.AtomicInteger;

import com.github.tomakehurst.wiremock.http.ResponseDefinition;

import static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder.responseDefinition;

/**
 * When a simulated source misbehaves on purpose: every {@code throttleEvery}-th data request is
 * answered 429 with {@code Retry-After: retryAfterSeconds}, and the next {@code n} data requests
 * after {@link #unavailable(int)} are answered 503 (a burst); {@link #refuseNext(int, int)} answers
 * with a permanent 4xx. Counts what it did.
 */
public final class FaultSchedule {

	private volatile int throttleEvery;
	private volatile int retryAfterSeconds = 1;
	private final AtomicInteger requests = new AtomicInteger();
	private final AtomicInteger pending503 = new AtomicInteger();
	private final AtomicInteger pending429 = new AtomicInteger();
	private final AtomicInteger okBefore503 = new AtomicInteger();
	private final AtomicInteger pendingRefusals = new AtomicInteger();
	private volatile int refusalStatus = 404;
	public final AtomicInteger throttled = new AtomicInteger();
	public final AtomicInteger unavailable = new AtomicInteger();
	public final AtomicInteger refused = new AtomicInteger();

	/** @param every 0 = never throttle */
	public FaultSchedule throttle(int every, int retryAfterSeconds) {
		this.throttleEvery = every;
		this.retryAfterSeconds = retryAfterSeconds;
		return this;
	}

	/** The next {@code n} data requests get 429 with {@code Retry-After: retryAfterSeconds}. */
	public FaultSchedule throttleNext(int n, int retryAfterSeconds) {
		this.retryAfterSeconds = retryAfterSeconds;
		pending429.set(n);
		return this;
	}

	/** After {@code ok} more data requests are served, the next {@code n} get 503 with {@code Retry-After: 0}. */
	public FaultSchedule unavailableAfter(int ok, int n) {
		okBefore503.set(ok);
		pending503.set(n);
		return this;
	}

	/** The next {@code n} data requests get 503 with {@code Retry-After: 0}. */
	public FaultSchedule unavailable(int n) {
		okBefore503.set(0);
		pending503.set(n);
		return this;
	}

	/** The next {@code n} data requests are refused for good with {@code status} (e.g. 410: the file is gone). */
	public FaultSchedule refuseNext(int n, int status) {
		this.refusalStatus = status;
		pendingRefusals.set(n);
		return this;
	}

	/** Ends pending bursts (503, 429 and refusals): the source is healthy again. Scheduled throttling stays. */
	public FaultSchedule clear() {
		pending503.set(0);
		okBefore503.set(0);
		pending429.set(0);
		pendingRefusals.set(0);
		return this;
	}

	/** A fault answer for the next data request, or null to serve it. */
	ResponseDefinition next() {
		if (pendingRefusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
			refused.incrementAndGet();
			return responseDefinition().withStatus(refusalStatus).withHeader("Content-Type", "application/fhir+json")
					.withBody("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"not-found\"}]}")
					.build();
		}
		if (pending503.get() > 0 && okBefore503.getAndUpdate(n -> Math.max(0, n - 1)) == 0
				&& pending503.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
			unavailable.incrementAndGet();
			return responseDefinition().withStatus(503).withHeader("Retry-After", "0").withBody("busy").build();
		}
		int every = throttleEvery;
		boolean scheduled = every > 0 && requests.incrementAndGet() % every == 0;
		if (pending429.getAndUpdate(n -> Math.max(0, n - 1)) > 0 || scheduled) {
			throttled.incrementAndGet();
			return responseDefinition().withStatus(429).withHeader("Retry-After", String.valueOf(retryAfterSeconds))
					.withHeader("Content-Type", "application/fhir+json")
					.withBody("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"throttled\"}]}")
					.build();
		}
		return null;
	}
}
