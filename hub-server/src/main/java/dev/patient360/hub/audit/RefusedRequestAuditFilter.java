package dev.patient360.hub.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

import dev.patient360.hub.errors.HubErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Records FHIR requests that the security filters refuse (401, 403) before the FHIR server sees
 * them. It runs outside those filters and holds a refusal back (no flush, no content length that
 * would let the container send it early) until its record is stored; if the record cannot be stored
 * the refusal is replaced by a 503. A refusal larger than the response buffer would still be sent
 * early; that is logged as {@code HUB-2101}.
 */
class RefusedRequestAuditFilter extends OncePerRequestFilter {

	private static final Logger log = LoggerFactory.getLogger(RefusedRequestAuditFilter.class);

	private final AuditTrail trail;

	RefusedRequestAuditFilter(AuditTrail trail) {
		this.trail = trail;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		String uri = request.getRequestURI();
		return !trail.enabled() || uri == null || !(uri.equals("/fhir") || uri.startsWith("/fhir/"))
				|| uri.equals("/fhir/metadata");
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		HoldingRefusals holding = new HoldingRefusals(response);
		chain.doFilter(request, holding);
		int status = response.getStatus();
		if (!refused(status) || request.getAttribute(AuditTrail.RECORDED_ATTRIBUTE) != null) {
			holding.release();
			return;
		}
		try {
			trail.recordRefused(request, status, null);
			holding.release();
		}
		catch (AuditTrail.NotRecordedException e) {
			if (response.isCommitted()) {
				log.error("{} a refusal ({}) was sent before its audit record could be stored",
						HubErrorCode.AUDIT_UNAVAILABLE.code(), status);
				return;
			}
			response.reset();
			response.setStatus(AuditUnavailableException.STATUS_CODE);
			response.setHeader("Retry-After", AuditUnavailableException.RETRY_AFTER_SECONDS);
			response.setContentType("application/fhir+json;charset=utf-8");
			response.getOutputStream().write(("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
					+ "\"code\":\"transient\",\"diagnostics\":\""
					+ HubErrorCode.AUDIT_UNAVAILABLE.message("the audit trail is unavailable; retry later")
					+ "\"}]}").getBytes(StandardCharsets.UTF_8));
		}
	}

	private static boolean refused(int status) {
		return status == 401 || status == 403;
	}

	/** While the status is a refusal, flushes and content lengths wait for {@link #release()}. */
	private static final class HoldingRefusals extends HttpServletResponseWrapper {

		private boolean flushRequested;

		HoldingRefusals(HttpServletResponse response) {
			super(response);
		}

		@Override
		public void flushBuffer() throws IOException {
			if (refused(getStatus())) {
				flushRequested = true;
				return;
			}
			super.flushBuffer();
		}

		@Override
		public void setContentLength(int length) {
			if (!refused(getStatus())) {
				super.setContentLength(length);
			}
		}

		@Override
		public void setContentLengthLong(long length) {
			if (!refused(getStatus())) {
				super.setContentLengthLong(length);
			}
		}

		void release() throws IOException {
			if (flushRequested) {
				getResponse().flushBuffer();
			}
		}
	}
}
