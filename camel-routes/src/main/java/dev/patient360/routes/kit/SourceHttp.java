package dev.patient360.routes.kit;

import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Requests to a source: bearer token from {@link SmartBackendTokens} (renewed once on 401), at most
 * {@code max-requests-per-second} (the instance's option; requests are spaced evenly, retries
 * included), and on 429 or 503 a wait of {@code Retry-After} (seconds or HTTP date; capped) before
 * trying again, up to {@code max-attempts}. Other failures throw {@link SourceException} with the
 * status; the pull stops and resumes from the persisted watermark next time.
 *
 * <p>The wait is a plain sleep on the calling thread, on purpose: pulls run on their instance's own
 * Camel timer thread (one per {@code timer:connector-<id>} endpoint), which has nothing else to do
 * while the source asks it to wait, the next run of the same instance must not start before this one
 * ends anyway, and the sleep is bounded (2 minutes per wait, {@code maxAttempts} waits) and ends
 * early when the application stops (interrupt). Scheduling the retry asynchronously would only move
 * the same wait elsewhere and lose the page loop's simple state.
 */
public final class SourceHttp {

	private static final Duration MAX_WAIT = Duration.ofMinutes(2);
	private static final Duration DEFAULT_WAIT = Duration.ofSeconds(5);

	private final HttpClient http;
	private final SmartBackendTokens tokens;
	private final int maxAttempts;
	private final Throttle throttle;

	private SourceHttp(HttpClient http, SmartBackendTokens tokens, int maxAttempts, Throttle throttle) {
		this.http = http;
		this.tokens = tokens;
		this.maxAttempts = maxAttempts;
		this.throttle = throttle;
	}

	/**
	 * The requests of one instance to its source, with the instance's options {@code max-attempts}
	 * (default 5) and {@code max-requests-per-second} (default: no limit; decimals allowed, e.g. 0.5).
	 * Runs of one instance never overlap, so one client per run keeps the spacing.
	 *
	 * @param tokens null when the source needs no token
	 */
	public static SourceHttp of(HttpClient http, SmartBackendTokens tokens, ConnectorsProperties.Instance instance) {
		return new SourceHttp(http, tokens, Integer.parseInt(instance.options().getOrDefault("max-attempts", "5")),
				Throttle.of(instance.options().get("max-requests-per-second")));
	}

	/** The same source without a token (e.g. export files that need none), sharing the request spacing. */
	public SourceHttp withoutToken() {
		return new SourceHttp(http, null, maxAttempts, throttle);
	}

	public String get(URI url, String accept) throws IOException, InterruptedException {
		return get(url, accept, java.util.Map.of());
	}

	/** @param headers extra request headers, e.g. an API key or API version the source requires */
	public String get(URI url, String accept, java.util.Map<String, String> headers) throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(url).header("Accept", accept).GET();
		headers.forEach(request::header);
		return send(request, HttpResponse.BodyHandlers.ofString()).body();
	}

	/**
	 * Sends a request (built without the Authorization header) and returns the first 2xx answer.
	 * For body handlers that stream, the caller closes the body of the answer it gets; bodies of
	 * refused answers are closed here.
	 */
	public <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler)
			throws IOException, InterruptedException {
		boolean renewed = false;
		for (int attempt = 1;; attempt++) {
			throttle.await();
			HttpRequest.Builder r = request.copy().timeout(Duration.ofMinutes(2));
			if (tokens != null) {
				r.setHeader("Authorization", "Bearer " + tokens.token());
			}
			HttpResponse<T> response = http.send(r.build(), handler);
			int status = response.statusCode();
			if (status / 100 == 2) {
				return response;
			}
			discard(response);
			if (status == 401 && tokens != null && !renewed) {
				tokens.invalidate();
				renewed = true;
				continue;
			}
			if ((status == 429 || status == 503) && attempt < maxAttempts) {
				Thread.sleep(retryAfter(response.headers().firstValue("Retry-After").orElse(null)).toMillis());
				continue;
			}
			throw new SourceException(status, "HUB-5003 source answered HTTP " + status);
		}
	}

	private static void discard(HttpResponse<?> response) {
		if (response.body() instanceof Closeable c) {
			try {
				c.close();
			}
			catch (IOException e) {
				// Nothing more to read from a refused answer.
			}
		}
	}

	/** Even spacing of request starts: at most one per {@code interval}. */
	static final class Throttle {
		private static final Throttle NONE = new Throttle(0);
		private final long intervalNanos;
		private long next;

		private Throttle(long intervalNanos) {
			this.intervalNanos = intervalNanos;
		}

		/** @param perSecond requests per second, null or 0 = no limit */
		static Throttle of(String perSecond) {
			if (perSecond == null || perSecond.isBlank()) {
				return NONE;
			}
			double rate;
			try {
				rate = Double.parseDouble(perSecond.trim());
			}
			catch (NumberFormatException e) {
				throw new IllegalArgumentException("HUB-5004 option max-requests-per-second is not a number: " + perSecond);
			}
			if (rate < 0 || Double.isNaN(rate) || Double.isInfinite(rate)) {
				throw new IllegalArgumentException("HUB-5004 option max-requests-per-second must be 0 or more: " + perSecond);
			}
			return rate == 0 ? NONE : new Throttle((long) (1_000_000_000L / rate));
		}

		long intervalNanos() {
			return intervalNanos;
		}

		/** Waits for this request's turn; the turn is taken before the wait, so callers queue in order. */
		void await() throws InterruptedException {
			if (intervalNanos == 0) {
				return;
			}
			long slot;
			synchronized (this) {
				long now = System.nanoTime();
				slot = next == 0 ? now : Math.max(now, next);
				next = slot + intervalNanos;
			}
			long wait = slot - System.nanoTime();
			if (wait > 0) {
				Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
			}
		}
	}

	/** The wait a {@code Retry-After} value asks for (delta-seconds or HTTP date), within [0, 2 min]. */
	public static Duration retryAfter(String value) {
		if (value == null || value.isBlank()) {
			return DEFAULT_WAIT;
		}
		Duration wait;
		try {
			wait = Duration.ofSeconds(Long.parseLong(value.trim()));
		}
		catch (NumberFormatException e) {
			try {
				wait = Duration.between(ZonedDateTime.now(),
						ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME));
			}
			catch (DateTimeParseException e2) {
				return DEFAULT_WAIT;
			}
		}
		if (wait.isNegative()) {
			return Duration.ZERO;
		}
		return wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait;
	}

	/** The source failed in a way a retry within this pull will not fix. */
	public static final class SourceException extends IOException {
		private final int status;

		public SourceException(int status, String message) {
			super(message);
			this.status = status;
		}

		/** The HTTP status that ended the request. */
		public int status() {
			return status;
		}

		/** A 4xx other than 401/408/429: asking again with the same request will not help. */
		public boolean permanent() {
			return status >= 400 && status < 500 && status != 401 && status != 408 && status != 429;
		}
	}
}
