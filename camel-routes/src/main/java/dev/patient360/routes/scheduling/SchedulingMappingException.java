package dev.patient360.routes.scheduling;

/** A booking or event that cannot be mapped; the message starts with a HUB code and quotes no content. */
public class SchedulingMappingException extends RuntimeException {

	public SchedulingMappingException(String message) {
		super(message);
	}
}
