package dev.patient360.hub.errors;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;

import dev.patient360.hub.fhir.HubInterceptor;
import org.springframework.stereotype.Component;

/**
 * Refuses any XML body that declares a DOCTYPE or entity. FHIR XML never needs one, and refusing it
 * before parsing closes XXE and entity-expansion attacks whatever the parser's own settings are.
 */
@Component
@Interceptor
class XmlDoctypeRefusingInterceptor implements HubInterceptor {

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
	void refuseDoctype(RequestDetails request) {
		byte[] body = request.loadRequestContents();
		if (body != null && declaresDoctype(body)) {
			throw new InvalidRequestException(HubErrorCode.XML_DOCTYPE_REFUSED
					.message("XML with a DOCTYPE or entity declaration is not accepted"));
		}
	}

	/**
	 * Looks at the body whatever its declared content type (HAPI sniffs the encoding when the type is
	 * missing or wrong), but only scans bodies that start like XML, so JSON pays nothing.
	 */
	static boolean declaresDoctype(byte[] body) {
		Charset charset;
		if (body.length >= 2 && ((body[0] == (byte) 0xFE && body[1] == (byte) 0xFF)
				|| (body[0] == (byte) 0xFF && body[1] == (byte) 0xFE))) {
			charset = StandardCharsets.UTF_16;
		}
		else if (startsLikeXml(body)) {
			charset = StandardCharsets.ISO_8859_1;
		}
		else {
			// JSON (or anything not XML) is never decoded: a large transaction costs one byte check.
			return false;
		}
		String upper = new String(body, charset).toUpperCase(Locale.ROOT);
		return upper.contains("<!DOCTYPE") || upper.contains("<!ENTITY");
	}

	/** First byte after an optional UTF-8 byte-order mark and whitespace is '<'. */
	private static boolean startsLikeXml(byte[] body) {
		int i = body.length >= 3 && body[0] == (byte) 0xEF && body[1] == (byte) 0xBB && body[2] == (byte) 0xBF ? 3 : 0;
		while (i < body.length && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n')) {
			i++;
		}
		return i < body.length && body[i] == '<';
	}
}
