package dev.patient360.routes.scheduling;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.patient360.routes.kit.ConnectorsProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/webhooks/{instanceId}}: deliveries of a push-style scheduling source (Cal.com
 * webhooks). The body is verified against {@code X-Cal-Signature-256} (hex HMAC-SHA256 of the raw
 * body with the instance's secret, compared in constant time; 401 when it does not match), then
 * stored in {@code webhook_inbox} before the answer (202; a delivery with the same body is stored
 * once), and applied to the hub asynchronously by {@link SchedulingWebhookProcessor}. The secret comes
 * from the environment variable the instance's {@code webhook-secret-env} option names.
 */
@RestController
class SchedulingWebhookController {

	static final String SECRET_OPTION = "webhook-secret-env";
	static final String SIGNATURE_HEADER = "X-Cal-Signature-256";
	private static final Logger log = LoggerFactory.getLogger(SchedulingWebhookController.class);

	private final ConnectorsProperties props;
	private final Environment env;
	private final JdbcClient jdbc;

	SchedulingWebhookController(ConnectorsProperties props, Environment env, JdbcClient jdbc) {
		this.props = props;
		this.env = env;
		this.jdbc = jdbc;
	}

	@PostMapping("/api/webhooks/{instanceId}")
	ResponseEntity<Map<String, Object>> receive(@PathVariable String instanceId,
			@RequestHeader(name = SIGNATURE_HEADER, required = false) String signature,
			@RequestBody(required = false) byte[] body) {
		Optional<ConnectorsProperties.Instance> instance = props.instances().stream()
				.filter(i -> i.id().equals(instanceId) && i.options().containsKey(SECRET_OPTION)).findFirst();
		if (instance.isEmpty()) {
			return answer(HttpStatus.NOT_FOUND, "HUB-5056", "no webhook instance " + instanceId);
		}
		String secret = env.getProperty(instance.get().options().get(SECRET_OPTION));
		if (secret == null || secret.isBlank()) {
			log.warn("webhook {}: the secret variable {} is not set", instanceId, instance.get().options().get(SECRET_OPTION));
			return answer(HttpStatus.SERVICE_UNAVAILABLE, "HUB-5057", "webhook secret not configured");
		}
		byte[] raw = body == null ? new byte[0] : body;
		if (!verified(secret, raw, signature)) {
			log.info("webhook {}: signature does not match, delivery refused", instanceId);
			return answer(HttpStatus.UNAUTHORIZED, "HUB-5055", "signature does not match");
		}
		try {
			int stored = jdbc.sql("""
					insert into webhook_inbox (instance, sha256, raw) values (?, ?, ?)
					on conflict (instance, sha256) do nothing""")
					.params(instanceId, sha256(raw), raw).update();
			return answer(HttpStatus.ACCEPTED, null, stored == 1 ? "stored" : "duplicate, already stored");
		}
		catch (DataAccessException e) {
			log.warn("webhook {}: inbox unavailable: {}", instanceId, e.getClass().getSimpleName());
			return answer(HttpStatus.SERVICE_UNAVAILABLE, "HUB-5058", "inbox unavailable, send again");
		}
	}

	/** Constant-time comparison of the expected hex HMAC with the header (case-insensitive hex, optional "sha256=" prefix). */
	static boolean verified(String secret, byte[] body, String signature) {
		if (signature == null || signature.isBlank()) {
			return false;
		}
		String given = signature.trim().toLowerCase(Locale.ROOT);
		if (given.startsWith("sha256=")) {
			given = given.substring(7);
		}
		byte[] expected = hmac(secret, body).getBytes(StandardCharsets.US_ASCII);
		return MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.US_ASCII));
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

	static String sha256(byte[] raw) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw));
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	private static ResponseEntity<Map<String, Object>> answer(HttpStatus status, String code, String message) {
		return ResponseEntity.status(status).body(code == null ? Map.of("message", message) : Map.of("code", code, "message", message));
	}
}
