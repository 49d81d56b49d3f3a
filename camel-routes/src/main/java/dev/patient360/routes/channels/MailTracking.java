package dev.patient360.routes.channels;

import java.io.IOException;
import java.time.Clock;
import java.util.Optional;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Turns mail read from the bounce and reply mailboxes into tracking events. */
@Component
class MailTracking {

	private static final Logger log = LoggerFactory.getLogger(MailTracking.class);

	private final ChannelOutbox outbox;
	private final Clock clock;

	MailTracking(ChannelOutbox outbox, Clock clock) {
		this.outbox = outbox;
		this.clock = clock;
	}

	void onBounceMailbox(Message message) throws MessagingException, IOException {
		Optional<DeliveryStatusNotifications.Bounce> bounce = DeliveryStatusNotifications.bounce(message);
		if (bounce.isEmpty()) {
			log.info("Bounce mailbox: a message that is no failed-delivery report, ignored");
			return;
		}
		Optional<String> key = Optional.ofNullable(bounce.get().communicationKey())
				.or(() -> Optional.ofNullable(bounce.get().originalMessageId()).flatMap(id -> outbox.keyOfProviderId("email", id)));
		if (key.isEmpty()) {
			log.info("Bounce mailbox: a report about a message this app did not send, ignored");
			return;
		}
		outbox.recordEvent(key.get(), "bounced", clock.instant());
	}

	void onReplyMailbox(Message message) throws MessagingException {
		Optional<String> key = DeliveryStatusNotifications.repliedTo(message).flatMap(id -> outbox.keyOfProviderId("email", id));
		if (key.isEmpty()) {
			log.info("Reply mailbox: a message that answers none of ours, ignored");
			return;
		}
		outbox.recordEvent(key.get(), "replied", clock.instant());
	}
}
