package dev.patient360.routes.channels;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Delivery receipts from the SMS gateway: {@code POST /api/channels/sms/receipts} with JSON
 * {@code {"id": "<gateway message id>", "status": "delivered"|"failed"|"undelivered", "timestamp": "<ISO>"}}
 * and {@code X-Signature: sha256=<hex HMAC-SHA256 of the raw body with ROUTES_SMS_RECEIPT_SECRET>}.
 * Stored, answered 202, and applied to the Communication by {@code channel-tracking-updates}.
 */
@RestController
class SmsReceiptController {

	static final String PATH = "/api/channels/sms/receipts";
	static final String SIGNATURE = "X-Signature";

	private static final ObjectMapper JSON = new ObjectMapper();

	private final ChannelsProperties props;
	private final ChannelOutbox outbox;
	private final Clock clock;

	SmsReceiptController(ChannelsProperties props, ChannelOutbox outbox, Clock clock) {
		this.props = props;
		this.outbox = outbox;
		this.clock = clock;
	}

	@PostMapping(path = PATH)
	ResponseEntity<Map<String, Object>> receipt(@RequestBody(required = false) byte[] body,
			@RequestHeader(name = SIGNATURE, required = false) String signature) {
		if (!props.sms().receiptsEnabled()) {
			return error(HttpStatus.SERVICE_UNAVAILABLE, "HUB-6057", "SMS receipts are not configured");
		}
		byte[] raw = body == null ? new byte[0] : body;
		if (signature == null || !MessageDigest.isEqual(
				("sha256=" + hmac(props.sms().receiptSecret(), raw)).getBytes(StandardCharsets.US_ASCII),
				signature.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
			return error(HttpStatus.UNAUTHORIZED, "HUB-6055", "missing or wrong " + SIGNATURE);
		}
		JsonNode receipt;
		try {
			receipt = JSON.readTree(raw);
		}
		catch (java.io.IOException e) {
			return error(HttpStatus.BAD_REQUEST, "HUB-6056", "the receipt is not JSON");
		}
		String id = receipt == null ? null : receipt.path("id").asText(null);
		String kind = receipt == null ? null : switch (receipt.path("status").asText("").toLowerCase(Locale.ROOT)) {
			case "delivered" -> "delivered";
			case "failed", "undelivered", "rejected", "expired" -> "failed";
			default -> null;
		};
		if (id == null || id.isBlank() || kind == null) {
			return error(HttpStatus.BAD_REQUEST, "HUB-6056", "a receipt needs id and status (delivered, failed, undelivered)");
		}
		Instant at = clock.instant();
		if (receipt.hasNonNull("timestamp")) {
			try {
				at = OffsetDateTime.parse(receipt.get("timestamp").asText()).toInstant();
			}
			catch (DateTimeParseException e) {
				return error(HttpStatus.BAD_REQUEST, "HUB-6056", "timestamp is not an ISO-8601 date-time with offset");
			}
		}
		Optional<String> key = outbox.keyOfProviderId("sms", id);
		if (key.isEmpty()) {
			return error(HttpStatus.NOT_FOUND, "HUB-6059", "no message with this id was sent through this app");
		}
		outbox.recordEvent(key.get(), kind, at);
		return ResponseEntity.accepted().body(Map.of("id", id, "status", kind));
	}

	static String hmac(String secret, byte[] body) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			return HexFormat.of().formatHex(mac.doFinal(body));
		}
		catch (NoSuchAlgorithmException | InvalidKeyException e) {
			throw new IllegalStateException(e);
		}
	}

	private static ResponseEntity<Map<String, Object>> error(HttpStatus status, String code, String message) {
		return ResponseEntity.status(status).body(Map.of("code", code, "message", message));
	}
}
