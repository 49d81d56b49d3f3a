package dev.patient360.routes.fhirr4;

/** A source page that cannot become a hub transaction; the message starts with its HUB code. */
public final class FhirR4MappingException extends RuntimeException {
	FhirR4MappingException(String message) {
		super(message);
	}
}
