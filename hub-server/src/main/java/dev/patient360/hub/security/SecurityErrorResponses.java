package dev.patient360.hub.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import ca.uhn.fhir.context.FhirContext;

import dev.patient360.hub.errors.HubErrorCode;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * What a caller sees when Spring Security turns a request away, before HAPI is reached: an
 * OperationOutcome like every other hub error, plus the RFC 6750 {@code WWW-Authenticate} header
 * that tells an OAuth client what to do (get a token, get a new one, or retry later).
 */
class SecurityErrorResponses implements AuthenticationEntryPoint, AccessDeniedHandler {

	private static final Logger log = LoggerFactory.getLogger(SecurityErrorResponses.class);
	static final String REALM = "patient360-hub";
	static final String RETRY_AFTER_SECONDS = "5";

	private final FhirContext fhirContext;

	SecurityErrorResponses(FhirContext fhirContext) {
		this.fhirContext = fhirContext;
	}

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
			throws IOException {
		if (failure instanceof IdentityProviderUnavailableException) {
			response.setHeader("Retry-After", RETRY_AFTER_SECONDS);
			write(response, 503, OperationOutcome.IssueType.TRANSIENT, failure.getMessage());
			return;
		}
		if (failure instanceof OAuth2AuthenticationException oauth) {
			String reason = reason(oauth);
			// Why a token failed is for the caller; the log gets only that one failed (no token, no claims).
			log.debug("{} token rejected on {} {}: {}", HubErrorCode.TOKEN_INVALID.code(), request.getMethod(),
					request.getRequestURI(), reason);
			response.setHeader("WWW-Authenticate", "Bearer realm=\"" + REALM + "\", error=\"invalid_token\", "
					+ "error_description=\"" + reason.replace('"', '\'').replace('\\', '/') + "\"");
			write(response, 401, OperationOutcome.IssueType.LOGIN,
					HubErrorCode.TOKEN_INVALID.message("the access token is not accepted: " + reason));
			return;
		}
		// No token at all: RFC 6750 §3.1 says no error code then, only the challenge.
		response.setHeader("WWW-Authenticate", "Bearer realm=\"" + REALM + "\"");
		write(response, 401, OperationOutcome.IssueType.LOGIN,
				HubErrorCode.TOKEN_MISSING.message("this endpoint needs a bearer access token (Authorization: Bearer ...)"));
	}

	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
			throws IOException {
		response.setHeader("WWW-Authenticate", "Bearer realm=\"" + REALM + "\", error=\"insufficient_scope\"");
		write(response, 403, OperationOutcome.IssueType.FORBIDDEN,
				HubErrorCode.ENDPOINT_FORBIDDEN.message("the token's roles do not allow this endpoint"));
	}

	/** Spring's description of why a token failed, without the generic prefix its decoder adds. */
	private static String reason(OAuth2AuthenticationException oauth) {
		String description = oauth.getError().getDescription();
		if (description == null || description.isBlank()) {
			description = oauth.getMessage() == null ? "invalid token" : oauth.getMessage();
		}
		return description.replace("An error occurred while attempting to decode the Jwt: ", "").strip();
	}

	void write(HttpServletResponse response, int status, OperationOutcome.IssueType type, String diagnostics)
			throws IOException {
		OperationOutcome outcome = new OperationOutcome();
		outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(type).setDiagnostics(diagnostics);
		byte[] body = fhirContext.newJsonParser().encodeResourceToString(outcome).getBytes(StandardCharsets.UTF_8);
		response.setStatus(status);
		response.setContentType("application/fhir+json;charset=UTF-8");
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
		response.flushBuffer();
	}
}
