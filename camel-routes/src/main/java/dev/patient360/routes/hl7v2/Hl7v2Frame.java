package dev.patient360.routes.hl7v2;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One received ER7 message, decoded: BOM stripped, segment separators normalised to CR, text decoded
 * with the charset MSH-18 names. Reads the MSH fields the listener needs without a full parse, so
 * that even an unparseable message gets an ACK that names its MSH-10.
 */
record Hl7v2Frame(String text, String[] msh) {

	static Hl7v2Frame decode(byte[] raw) {
		int start = raw.length >= 3 && (raw[0] & 0xFF) == 0xEF && (raw[1] & 0xFF) == 0xBB && (raw[2] & 0xFF) == 0xBF ? 3 : 0;
		// MSH itself is ASCII in every charset HL7 allows here, so it can be read before decoding.
		String latin = new String(raw, start, raw.length - start, StandardCharsets.ISO_8859_1);
		String[] msh = mshFields(normalise(latin));
		Charset charset = charset(msh.length > 17 ? msh[17] : "");
		String text = normalise(new String(raw, start, raw.length - start, charset));
		return new Hl7v2Frame(text.strip() + "\r", mshFields(text));
	}

	private static String normalise(String s) {
		return s.replace("\r\n", "\r").replace('\n', '\r');
	}

	/** MSH fields by HL7 number minus one (index 9 = MSH-10); empty when there is no MSH. */
	private static String[] mshFields(String text) {
		int at = text.indexOf("MSH");
		if (at < 0 || text.length() < at + 8) {
			return new String[0];
		}
		int end = text.indexOf('\r', at);
		String line = end < 0 ? text.substring(at) : text.substring(at, end);
		char sep = line.charAt(3);
		return line.split(java.util.regex.Pattern.quote(String.valueOf(sep)), -1);
	}

	static Charset charset(String msh18) {
		String name = msh18.trim().toUpperCase(java.util.Locale.ROOT);
		return switch (name) {
			case "8859/1" -> StandardCharsets.ISO_8859_1;
			case "8859/15" -> Charset.forName("ISO-8859-15");
			case "ASCII" -> StandardCharsets.US_ASCII;
			case "UNICODE UTF-16" -> StandardCharsets.UTF_16;
			default -> StandardCharsets.UTF_8;
		};
	}

	String field(int number) {
		return msh.length >= number ? msh[number - 1] : "";
	}

	/** First component of an MSH field. */
	String first(int number) {
		String f = field(number);
		int caret = f.indexOf('^');
		return caret < 0 ? f : f.substring(0, caret);
	}

	boolean hasMsh() {
		return msh.length > 9;
	}

	String controlId() {
		return field(10);
	}

	/** MSH-3 and MSH-4 (first components): who resends a message under the same MSH-10. */
	String sender() {
		return first(3) + "|" + first(4);
	}

	/** MSH-9-1 and MSH-9-2, e.g. {@code ADT^A01}. */
	String messageType() {
		String[] parts = field(9).split("\\^", -1);
		return parts.length > 1 ? parts[0] + "^" + parts[1] : parts[0];
	}

	String sha256() {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}
}
