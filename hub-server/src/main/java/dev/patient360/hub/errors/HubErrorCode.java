package dev.patient360.hub.errors;

/**
 * Stable error codes of the hub, in the spirit of HAPI's {@code Msg.code}: a caller or an operator
 * can search for the code, the text may change.
 */
public enum HubErrorCode {
	/** The database cannot be reached; the request can be retried. */
	DATABASE_UNAVAILABLE("HUB-0503"),
	/** An error the hub did not expect; details are in the server log under the request id. */
	INTERNAL("HUB-0500"),
	/** An XML body declared a DOCTYPE or entity. */
	XML_DOCTYPE_REFUSED("HUB-0401"),
	/** A resource claims an engagement profile (meta.profile) and does not conform to it (422). */
	PROFILE_VALIDATION_FAILED("HUB-1000"),
	/** The engagement package could not be installed at start; the hub does not start without it. */
	PACKAGE_INSTALL_FAILED("HUB-1001");

	private final String code;

	HubErrorCode(String code) {
		this.code = code;
	}

	public String code() {
		return code;
	}

	/** The text for a caller: code first, so it is the first thing a support ticket quotes. */
	public String message(String text) {
		return code + ": " + text;
	}
}
