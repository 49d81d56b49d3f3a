package dev.patient360.routes.channels;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetHeaders;

/**
 * Reads bounces and replies: a DSN (RFC 3464: {@code multipart/report; report-type=delivery-status}
 * with a {@code message/delivery-status} part whose recipient says {@code Action: failed}, and the
 * original message or its headers) names the Communication in the original's
 * {@code X-Patient360-Communication} header or its Message-ID. Pure: no I/O beyond the message.
 */
final class DeliveryStatusNotifications {

	static final String COMMUNICATION_HEADER = "X-Patient360-Communication";

	/** What a bounce points at: the Communication key when the headers carried it, else the Message-ID. */
	record Bounce(String communicationKey, String originalMessageId) {
	}

	private DeliveryStatusNotifications() {
	}

	/** The failed delivery a DSN reports; empty for anything else (other mail, delayed or successful DSNs). */
	static Optional<Bounce> bounce(Part message) throws MessagingException, IOException {
		if (!message.isMimeType("multipart/report")) {
			return Optional.empty();
		}
		String reportType = new ContentType(message.getContentType()).getParameter("report-type");
		if (reportType == null || !reportType.equalsIgnoreCase("delivery-status")) {
			return Optional.empty();
		}
		Multipart parts = (Multipart) message.getContent();
		boolean failed = false;
		InternetHeaders original = null;
		for (int i = 0; i < parts.getCount(); i++) {
			BodyPart part = parts.getBodyPart(i);
			if (part.isMimeType("message/delivery-status")) {
				failed = actionFailed(text(part));
			}
			else if (part.isMimeType("message/rfc822") || part.isMimeType("text/rfc822-headers")) {
				try (InputStream in = new ByteArrayInputStream(text(part).getBytes(StandardCharsets.UTF_8))) {
					original = new InternetHeaders(in);
				}
			}
		}
		if (!failed || original == null) {
			return Optional.empty();
		}
		String key = original.getHeader(COMMUNICATION_HEADER, null);
		String messageId = original.getHeader("Message-ID", null);
		if (key == null && messageId == null) {
			return Optional.empty();
		}
		return Optional.of(new Bounce(key == null ? null : key.trim(), messageId == null ? null : messageId.trim()));
	}

	/** The Message-ID a reply answers (In-Reply-To, else the last of References). */
	static Optional<String> repliedTo(Part message) throws MessagingException {
		String[] inReplyTo = message.getHeader("In-Reply-To");
		if (inReplyTo != null && inReplyTo.length > 0 && !inReplyTo[0].isBlank()) {
			return Optional.of(inReplyTo[0].trim());
		}
		String[] references = message.getHeader("References");
		if (references != null && references.length > 0 && !references[0].isBlank()) {
			String[] ids = references[0].trim().split("\\s+");
			return Optional.of(ids[ids.length - 1]);
		}
		return Optional.empty();
	}

	private static boolean actionFailed(String deliveryStatus) {
		for (String line : deliveryStatus.split("\\r?\\n")) {
			String l = line.trim().toLowerCase(Locale.ROOT);
			if (l.startsWith("action:") && l.substring("action:".length()).trim().startsWith("failed")) {
				return true;
			}
		}
		return false;
	}

	private static String text(Part part) throws MessagingException, IOException {
		try (InputStream in = part.getInputStream()) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}
}
