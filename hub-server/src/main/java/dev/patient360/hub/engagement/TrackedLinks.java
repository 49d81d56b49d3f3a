package dev.patient360.hub.engagement;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tokens of tracked links: {@code {CommunicationRequest id}.{MAC}}, where MAC is the first 16 bytes
 * of HMAC-SHA256(secret, id), base64url without padding (22 characters; short enough for an SMS,
 * 128 bits against forging). Only the hub knows the secret, so a token names a request the hub
 * planned and nobody can make one for another request.
 */
public final class TrackedLinks {

	private static final String ALGORITHM = "HmacSHA256";
	private static final int MAC_BYTES = 16;
	/** FHIR logical ids. */
	private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

	private final SecretKeySpec key;

	public TrackedLinks(String secret) {
		this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
	}

	/** @param requestId the logical id of the CommunicationRequest */
	public String token(String requestId) {
		return requestId + "." + encode(mac(requestId));
	}

	/** The request id a genuine token names; empty for anything else. */
	public Optional<String> requestId(String token) {
		if (token == null) {
			return Optional.empty();
		}
		int dot = token.lastIndexOf('.');
		if (dot <= 0) {
			return Optional.empty();
		}
		String id = token.substring(0, dot);
		if (!ID.matcher(id).matches()) {
			return Optional.empty();
		}
		// Compared as text, not as decoded bytes: base64 ignores the unused low bits of the last
		// character, so several spellings would decode to the same MAC.
		byte[] given = token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
		byte[] expected = encode(mac(id)).getBytes(StandardCharsets.US_ASCII);
		return MessageDigest.isEqual(given, expected) ? Optional.of(id) : Optional.empty();
	}

	private static String encode(byte[] mac) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(mac);
	}

	private byte[] mac(String requestId) {
		try {
			Mac mac = Mac.getInstance(ALGORITHM);
			mac.init(key);
			return Arrays.copyOf(mac.doFinal(requestId.getBytes(StandardCharsets.UTF_8)), MAC_BYTES);
		}
		catch (GeneralSecurityException e) {
			throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
		}
	}
}
