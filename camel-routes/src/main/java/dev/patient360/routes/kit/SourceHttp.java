package dev.patient360.routes.kit;

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
 * GETs from a source: bearer token from {@link SmartBackendTokens} (renewed once on 401), and on 429
 * or 503 a wait of {@code Retry-After} (seconds or HTTP date; capped) before trying again, up to
 * {@code maxAttempts}. Other failures throw {@link SourceException}; the pull stops and resumes
 * from the persisted watermark next time.
 */
public final class SourceHttp {

	private static final Duration MAX_WAIT = Duration.ofMinutes(2);
	private static final Duration DEFAULT_WAIT = Duration.ofSeconds(5);

	private final HttpClient http;
	private final SmartBackendTokens tokens;
	private final int maxAttempts;

	public SourceHttp(HttpClient http, SmartBackendTokens tokens, int maxAttempts) {
		this.http = http;
		this.tokens = tokens;
		this.maxAttempts = maxAttempts;
	}

	public String get(URI url, String accept) throws IOException, InterruptedException {
		return get(url, accept, java.util.Map.of());
	}

	/** @param headers extra request headers, e.g. an API key or API version the source requires */
	public String get(URI url, String accept, java.util.Map<String, String> headers) throws IOException, InterruptedException {
		boolean renewed = false;
		for (int attempt = 1;; attempt++) {
			HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(2))
					.header("Accept", accept).GET();
			headers.forEach(request::header);
			if (tokens != null) {
				request.header("Authorization", "Bearer " + tokens.token());
			}
			HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			int status = response.statusCode();
			if (status / 100 == 2) {
				return response.body();
			}
			if (status == 401 && tokens != null && !renewed) {
				tokens.invalidate();
				renewed = true;
				continue;
			}
			if ((status == 429 || status == 503) && attempt < maxAttempts) {
				Thread.sleep(retryAfter(response.headers().firstValue("Retry-After").orElse(null)).toMillis());
				continue;
			}
			throw new SourceException("HUB-5003 source answered HTTP " + status);
		}
	}

	/** The wait a {@code Retry-After} value asks for (delta-seconds or HTTP date), within [0, 2 min]. */
	static Duration retryAfter(String value) {
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
		SourceException(String message) {
			super(message);
		}
	}
}
