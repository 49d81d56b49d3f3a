package dev.patient360.hub.engagement;

import java.net.URI;

import jakarta.validation.constraints.NotNull;

import dev.patient360.hub.errors.HubErrorCode;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Tracked links in messages (docs/engagement.md, "Tracking"). Secure by default: with tracking on
 * and no secret the hub does not start, unless the development secret is allowed explicitly.
 *
 * @param enabled         put tracked links ({@code {publicUrl}/t/{token}}) into messages and serve
 *                        {@code /t/**} ({@code HUB_ENGAGEMENT_TRACKING}); off = messages link to the target directly
 * @param secret          the HMAC-SHA256 key that signs link tokens ({@code HUB_ENGAGEMENT_TRACKING_SECRET});
 *                        at least 16 characters; from the environment only
 * @param allowDevSecret  start with a fixed, publicly known secret when none is set
 *                        ({@code HUB_ENGAGEMENT_TRACKING_ALLOW_DEV_SECRET}); local development only, logged on start
 * @param publicUrl       the hub's address as patients reach it, the base of tracked links ({@code HUB_PUBLIC_URL})
 * @param linkTarget      where a clicked link leads, e.g. the practice's appointment page ({@code HUB_ENGAGEMENT_LINK_TARGET})
 */
@Validated
@ConfigurationProperties("hub.engagement.tracking")
public record TrackingProperties(
		@DefaultValue("true") boolean enabled,
		String secret,
		@DefaultValue("false") boolean allowDevSecret,
		@NotNull @DefaultValue("http://localhost:8080") URI publicUrl,
		@NotNull @DefaultValue("https://patient360.dev/appointments") URI linkTarget) {

	/** Known to everybody who reads this code: tokens signed with it prove nothing. */
	static final String DEV_SECRET = "patient360-dev-tracking-secret-not-for-production";

	static final int MIN_SECRET_LENGTH = 16;

	public TrackingProperties {
		if (secret != null && secret.isBlank()) {
			secret = null;
		}
		if (enabled && secret == null && !allowDevSecret) {
			throw new IllegalArgumentException(HubErrorCode.TRACKING_SECRET_MISSING.message(
					"link tracking is on but HUB_ENGAGEMENT_TRACKING_SECRET is not set; the hub does not start "
							+ "without it. Set HUB_ENGAGEMENT_TRACKING_SECRET (16+ random characters), or "
							+ "HUB_ENGAGEMENT_TRACKING=false, or HUB_ENGAGEMENT_TRACKING_ALLOW_DEV_SECRET=true for a "
							+ "local run with a publicly known secret"));
		}
		if (secret != null && secret.length() < MIN_SECRET_LENGTH) {
			throw new IllegalArgumentException(HubErrorCode.TRACKING_SECRET_MISSING.message(
					"HUB_ENGAGEMENT_TRACKING_SECRET must have at least " + MIN_SECRET_LENGTH + " characters"));
		}
	}

	boolean usesDevSecret() {
		return enabled && secret == null;
	}

	String effectiveSecret() {
		return secret != null ? secret : DEV_SECRET;
	}

	@Override
	public String toString() {
		return "TrackingProperties[enabled=" + enabled + ", secret=" + (secret == null ? "unset" : "***")
				+ ", allowDevSecret=" + allowDevSecret + ", publicUrl=" + publicUrl + ", linkTarget=" + linkTarget + "]";
	}
}
