package dev.patient360.routes.channels;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Delivery of engagement communications (docs/connectors/channels.md).
 *
 * @param enabled run the dispatcher and the tracking routes ({@code ROUTES_CHANNELS_ENABLED}); off by
 *     default because the client needs the {@code outreach} role
 * @param clientId client with the {@code outreach} role the channel routes read and write the hub as
 *     ({@code ROUTES_CHANNELS_CLIENT_ID}); blank = the app's client ({@code ROUTES_CLIENT_ID})
 * @param clientSecret its secret ({@code ROUTES_CHANNELS_CLIENT_SECRET})
 * @param pollPeriod how often due CommunicationRequests are fetched ({@code ROUTES_CHANNELS_POLL_PERIOD})
 * @param batchSize at most this many due requests per poll ({@code ROUTES_CHANNELS_BATCH_SIZE})
 * @param trackingPeriod how often receipts, bounces and replies are applied to the hub
 *     ({@code ROUTES_CHANNELS_TRACKING_PERIOD})
 * @param smtp the outgoing mail server ({@code ROUTES_SMTP_*})
 * @param bounces the mailbox that receives delivery status notifications ({@code ROUTES_BOUNCE_*})
 * @param replies the Reply-To mailbox ({@code ROUTES_REPLY_*})
 * @param sms the HTTP SMS gateway ({@code ROUTES_SMS_*})
 */
@Validated
@ConfigurationProperties("routes.channels")
public record ChannelsProperties(
		@DefaultValue("false") boolean enabled,
		String clientId,
		String clientSecret,
		@NotNull @DurationMin(millis = 100) @DefaultValue("30s") Duration pollPeriod,
		@Min(1) @Max(1000) @DefaultValue("50") int batchSize,
		@NotNull @DurationMin(millis = 100) @DefaultValue("10s") Duration trackingPeriod,
		@Valid @NotNull @DefaultValue Smtp smtp,
		@Valid @NotNull @DefaultValue Mailbox bounces,
		@Valid @NotNull @DefaultValue Mailbox replies,
		@Valid @NotNull @DefaultValue Sms sms) {

	boolean ownClient() {
		return clientId != null && !clientId.isBlank();
	}

	/**
	 * @param host SMTP host ({@code ROUTES_SMTP_HOST}); blank = no e-mail channel (requests for it wait)
	 * @param port SMTP port ({@code ROUTES_SMTP_PORT})
	 * @param user SMTP user ({@code ROUTES_SMTP_USER}); blank = no authentication
	 * @param password its password ({@code ROUTES_SMTP_PASSWORD})
	 * @param from the From address ({@code ROUTES_SMTP_FROM})
	 * @param replyTo the Reply-To address, whose mailbox {@code replies} reads ({@code ROUTES_SMTP_REPLY_TO});
	 *     blank = none
	 * @param subject the Subject of every message ({@code ROUTES_SMTP_SUBJECT}); the text comes from the request
	 */
	public record Smtp(
			String host,
			@Min(1) @Max(65535) @DefaultValue("25") int port,
			String user,
			String password,
			@NotBlank @DefaultValue("reminders@patient360.local") String from,
			String replyTo,
			@NotBlank @DefaultValue("A message from your care team") String subject) {

		public boolean enabled() {
			return host != null && !host.isBlank();
		}
	}

	/**
	 * A mailbox read over IMAP or POP3.
	 *
	 * @param protocol {@code imap}, {@code imaps}, {@code pop3} or {@code pop3s} ({@code ROUTES_BOUNCE_PROTOCOL},
	 *     {@code ROUTES_REPLY_PROTOCOL})
	 * @param host its host; blank = not read ({@code ROUTES_BOUNCE_HOST}, {@code ROUTES_REPLY_HOST})
	 * @param port its port ({@code ROUTES_BOUNCE_PORT}, {@code ROUTES_REPLY_PORT})
	 * @param user login ({@code ROUTES_BOUNCE_USER}, {@code ROUTES_REPLY_USER})
	 * @param password password ({@code ROUTES_BOUNCE_PASSWORD}, {@code ROUTES_REPLY_PASSWORD})
	 * @param pollPeriod how often it is read ({@code ROUTES_BOUNCE_POLL_PERIOD}, {@code ROUTES_REPLY_POLL_PERIOD})
	 */
	public record Mailbox(
			@NotBlank @DefaultValue("imap") String protocol,
			String host,
			@Min(1) @Max(65535) @DefaultValue("143") int port,
			String user,
			String password,
			@NotNull @DurationMin(millis = 100) @DefaultValue("60s") Duration pollPeriod) {

		public boolean enabled() {
			return host != null && !host.isBlank();
		}
	}

	/**
	 * @param gatewayUrl base URL of the SMS gateway API; messages are POSTed to {@code <url>/messages}
	 *     ({@code ROUTES_SMS_GATEWAY_URL}); blank = no SMS channel (requests for it wait)
	 * @param apiKey bearer token for the gateway ({@code ROUTES_SMS_API_KEY})
	 * @param from sender id or number ({@code ROUTES_SMS_FROM})
	 * @param callbackUrl where the gateway POSTs delivery receipts, i.e. this app's
	 *     {@code /api/channels/sms/receipts} as the gateway reaches it ({@code ROUTES_SMS_CALLBACK_URL})
	 * @param receiptSecret shared secret: receipts carry {@code X-Signature: sha256=<hex HMAC-SHA256 of the body>}
	 *     ({@code ROUTES_SMS_RECEIPT_SECRET}); blank = receipts refused
	 * @param requestTimeout timeout of one gateway request ({@code ROUTES_SMS_REQUEST_TIMEOUT})
	 */
	public record Sms(
			URI gatewayUrl,
			String apiKey,
			@NotBlank @DefaultValue("Patient360") String from,
			String callbackUrl,
			String receiptSecret,
			@NotNull @DefaultValue("10s") Duration requestTimeout) {

		public boolean enabled() {
			return gatewayUrl != null && !gatewayUrl.toString().isBlank();
		}

		boolean receiptsEnabled() {
			return receiptSecret != null && !receiptSecret.isBlank();
		}
	}
}
