package dev.patient360.routes.channels;

import java.time.Instant;

/**
 * What became of one delivery attempt, as the outbox keeps it until the hub has the Communication.
 *
 * @param kind the outcome
 * @param at when it was sent (or found unsendable)
 * @param providerId the SMTP Message-ID or the SMS gateway's message id; null when nothing was sent
 */
record DeliveryOutcome(Kind kind, Instant at, String providerId) {

	enum Kind {
		/** Handed to the channel. */
		SENT,
		/** The channel refused it for good (4xx, permanent SMTP error). */
		FAILED,
		/** The patient has no address for the channel. */
		NO_ADDRESS,
		/** Claimed, but the app stopped before the outcome was recorded: not sent again. */
		UNKNOWN
	}
}
