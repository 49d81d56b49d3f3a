package dev.patient360.routes.billing;

/** A CSV row that cannot be mapped; the message starts with a HUB code and quotes no content. */
public class BillingMappingException extends RuntimeException {

	public BillingMappingException(String message) {
		super(message);
	}
}
