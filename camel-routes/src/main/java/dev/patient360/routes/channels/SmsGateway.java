package dev.patient360.routes.channels;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The HTTP SMS gateway API, shaped like the common ones: {@code POST <gateway>/messages} with JSON
 * {@code {to, from, text, callbackUrl, reference}} and a bearer API key; a 2xx answers
 * {@code {"id": "<message id>"}}. Delivery receipts come back to {@code callbackUrl}.
 */
final class SmsGateway {

	private static final ObjectMapper JSON = new ObjectMapper();

	private final ChannelsProperties.Sms props;
	private final HttpClient http;

	SmsGateway(ChannelsProperties.Sms props) {
		this.props = props;
		this.http = HttpClient.newBuilder().connectTimeout(props.requestTimeout()).build();
	}

	/** Sends one message; returns the gateway's message id. */
	String send(String to, String text, String reference) throws IOException, InterruptedException {
		ObjectNode body = JSON.createObjectNode().put("to", to).put("from", props.from()).put("text", text)
				.put("reference", reference);
		if (props.callbackUrl() != null && !props.callbackUrl().isBlank()) {
			body.put("callbackUrl", props.callbackUrl());
		}
		String base = props.gatewayUrl().toString();
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create((base.endsWith("/") ? base : base + "/") + "messages"))
				.timeout(props.requestTimeout())
				.header("Content-Type", "application/json")
				.header("Accept", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
		if (props.apiKey() != null && !props.apiKey().isBlank()) {
			request.header("Authorization", "Bearer " + props.apiKey());
		}
		HttpResponse<String> response;
		try {
			response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException e) {
			throw new UnavailableException("HUB-6053 SMS gateway unreachable: " + e.getClass().getSimpleName());
		}
		int status = response.statusCode();
		if (status / 100 == 2) {
			JsonNode answer = JSON.readTree(response.body());
			String id = answer.path("id").asText(answer.path("messageId").asText(null));
			if (id == null || id.isBlank()) {
				throw new RejectedException("HUB-6052 SMS gateway answered " + status + " without a message id");
			}
			return id;
		}
		if (status >= 500 || status == 429 || status == 408) {
			throw new UnavailableException("HUB-6053 SMS gateway answered HTTP " + status);
		}
		// The body can quote the number: not in the message.
		throw new RejectedException("HUB-6052 SMS gateway refused the message with HTTP " + status);
	}

	/** Retrying may help (connector-defaults retries IOExceptions); nothing was accepted. */
	static final class UnavailableException extends IOException {
		UnavailableException(String message) {
			super(message);
		}
	}

	/** The gateway refused this message; sending it again will not help. */
	static final class RejectedException extends RuntimeException {
		RejectedException(String message) {
			super(message);
		}
	}
}
