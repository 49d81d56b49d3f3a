package dev.patient360.routes.channels;

import java.util.Date;

import dev.patient360.profiles.Codes.DeliveryStatus;
import dev.patient360.profiles.CommunicationTracking;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TrackingUpdaterTest {

	private static final Date SENT_AT = new Date(1_000_000L);
	private static final Date LATER = new Date(2_000_000L);

	@Test
	void aReceiptSetsDeliveredAndKeepsWhatTheHubRecordedOfOpensAndClicks() {
		CommunicationTracking opened = new CommunicationTracking(DeliveryStatus.SENT, null, SENT_AT, SENT_AT, null);

		CommunicationTracking updated = TrackingUpdater.update(opened, "delivered", LATER);

		assertThat(updated).isEqualTo(new CommunicationTracking(DeliveryStatus.DELIVERED, LATER, SENT_AT, SENT_AT, null));
	}

	@Test
	void failuresAndBouncesSetTheirStatus() {
		assertThat(TrackingUpdater.update(null, "failed", LATER).status()).isEqualTo(DeliveryStatus.FAILED);
		assertThat(TrackingUpdater.update(null, "bounced", LATER).status()).isEqualTo(DeliveryStatus.BOUNCED);
	}

	@Test
	void aReplyRecordsItsTimeAndProvesDeliveryButDoesNotHideABounce() {
		CommunicationTracking sent = new CommunicationTracking(DeliveryStatus.SENT, null, null, null, null);
		CommunicationTracking bounced = new CommunicationTracking(DeliveryStatus.BOUNCED, null, null, null, null);

		assertThat(TrackingUpdater.update(sent, "replied", LATER))
				.isEqualTo(new CommunicationTracking(DeliveryStatus.DELIVERED, null, null, null, LATER));
		assertThat(TrackingUpdater.update(bounced, "replied", LATER).status()).isEqualTo(DeliveryStatus.BOUNCED);
	}
}
