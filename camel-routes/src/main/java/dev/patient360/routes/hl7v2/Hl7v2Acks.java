package dev.patient360.routes.hl7v2;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * ACK messages, written by hand rather than with HAPI's {@code generateACK}: an ACK must also go
 * out for messages HAPI cannot parse, and it must name their MSH-10.
 *
 * <p>Original mode (MSH-15/16 empty) answers AA/AE/AR; enhanced mode (MSH-15 set) answers the
 * accept acknowledgement CA/CE/CR, which is what the inbox commit means.
 */
final class Hl7v2Acks {

	enum Code { ACCEPT, ERROR, REJECT }

	private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
	private static final AtomicLong SEQ = new AtomicLong();

	private Hl7v2Acks() {
	}

	static String ack(Hl7v2Frame in, Code code, String errorCode, String errorText) {
		boolean enhanced = in.hasMsh() && !in.field(15).isBlank();
		String ackCode = (enhanced ? "C" : "A") + switch (code) {
			case ACCEPT -> "A";
			case ERROR -> "E";
			case REJECT -> "R";
		};
		String version = in.hasMsh() && !in.field(12).isBlank() ? in.first(12) : "2.5.1";
		String trigger = in.hasMsh() ? in.field(9).split("\\^", -1).length > 1 ? in.field(9).split("\\^", -1)[1] : "" : "";
		StringBuilder ack = new StringBuilder()
				.append("MSH|^~\\&|").append(clean(in.field(5))).append('|').append(clean(in.field(6))).append('|')
				.append(clean(in.field(3))).append('|').append(clean(in.field(4))).append('|')
				.append(ZonedDateTime.now(ZoneOffset.UTC).format(TS)).append("||ACK^").append(clean(trigger)).append("^ACK|")
				.append("P360").append(System.currentTimeMillis()).append('-').append(SEQ.incrementAndGet())
				.append("|P|").append(clean(version)).append('\r')
				.append("MSA|").append(ackCode).append('|').append(clean(in.controlId())).append('\r');
		if (code != Code.ACCEPT) {
			// ERR-3 HL7 error code (table 0357), ERR-4 severity, ERR-8 user message.
			ack.append("ERR|||").append(errorCode).append("^").append(clean(errorText)).append("^HL70357|E||||")
					.append(clean(errorText)).append('\r');
		}
		return ack.toString();
	}

	/** Values echoed from the sender may carry other delimiters; ours are the standard ones. */
	private static String clean(String s) {
		return s == null ? "" : s.replaceAll("[|\\r\\n]", " ");
	}
}
