package dev.patient360.hub.engagement;

import java.util.Base64;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The public ends of tracked links (no token: a patient's mail client or browser calls them).
 * {@code GET /t/{token}} redirects to the configured target and records a click;
 * {@code GET /t/{token}/o.gif} answers a transparent 1×1 GIF and records an open. A token the hub
 * did not sign is 404 with an empty body: the same answer for a forged, altered or truncated token,
 * so it says nothing about which requests exist.
 */
@RestController
class TrackingController {

	static final byte[] PIXEL = Base64.getDecoder().decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

	private final TrackedLinks links;
	private final TrackingService tracking;
	private final TrackingProperties properties;

	TrackingController(TrackedLinks links, TrackingService tracking, TrackingProperties properties) {
		this.links = links;
		this.tracking = tracking;
		this.properties = properties;
	}

	@GetMapping("/t/{token}")
	public ResponseEntity<Void> click(@PathVariable String token) {
		return links.requestId(token).map(id -> {
			tracking.record(id, TrackingService.Event.CLICKED);
			return ResponseEntity.status(HttpStatus.FOUND).location(properties.linkTarget())
					.cacheControl(CacheControl.noStore()).<Void>build();
		}).orElseGet(TrackingController::notFound);
	}

	@GetMapping("/t/{token}/o.gif")
	public ResponseEntity<byte[]> open(@PathVariable String token) {
		return links.requestId(token).map(id -> {
			tracking.record(id, TrackingService.Event.OPENED);
			return ResponseEntity.ok().contentType(MediaType.IMAGE_GIF).cacheControl(CacheControl.noStore()).body(PIXEL);
		}).orElseGet(TrackingController::notFound);
	}

	private static <T> ResponseEntity<T> notFound() {
		return ResponseEntity.status(HttpStatus.NOT_FOUND).cacheControl(CacheControl.noStore()).build();
	}
}
