package dev.patient360.routes.hl7v2.mapping;

/** A message that cannot be mapped as it is: a permanent error, the message goes to the dead letters. */
public class Hl7v2MappingException extends RuntimeException {

	private final String code;

	public Hl7v2MappingException(String code, String message) {
		super(code + " " + message);
		this.code = code;
	}

	public Hl7v2MappingException(String code, String message, Throwable cause) {
		super(code + " " + message, cause);
		this.code = code;
	}

	public String code() {
		return code;
	}
}
