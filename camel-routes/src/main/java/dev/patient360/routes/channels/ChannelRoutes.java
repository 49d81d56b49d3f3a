package dev.patient360.routes.channels;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import jakarta.mail.SendFailedException;

import dev.patient360.routes.common.ConnectorRouteConfiguration;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mail.MailConstants;
import org.apache.camel.component.mail.MailMessage;
import org.springframework.stereotype.Component;

/**
 * The channel routes (docs/connectors/channels.md): {@code engagement-reminder-dispatch} polls due
 * requests; {@code channel-email} (SMTP) and {@code channel-sms} (HTTP gateway) send one message each;
 * {@code channel-bounces} and {@code channel-replies} read mailboxes; {@code channel-tracking-updates}
 * applies receipts, bounces and replies to the hub. Nothing runs unless {@code ROUTES_CHANNELS_ENABLED}.
 */
@Component
class ChannelRoutes extends RouteBuilder {

	static final String EMAIL = "direct:channel-email";
	static final String SMS = "direct:channel-sms";
	/** In: where to send (e-mail address or phone number). */
	static final String ADDRESS = "P360ChannelAddress";
	/** In: the outbox key (the Communication identifier {@code system|value}). */
	static final String REQUEST_KEY = "P360ChannelRequestKey";
	/** In: what the far side may see of the request (its identifier value). */
	static final String REFERENCE = "P360ChannelReference";
	/** Out: the channel's id of the sent message (Message-ID, gateway message id). */
	static final String PROVIDER_ID = "P360ChannelProviderId";

	private final ChannelsProperties props;
	private final ReminderDispatcher dispatcher;
	private final TrackingUpdater tracking;
	private final MailTracking mail;

	ChannelRoutes(ChannelsProperties props, ReminderDispatcher dispatcher, TrackingUpdater tracking, MailTracking mail) {
		this.props = props;
		this.dispatcher = dispatcher;
		this.tracking = tracking;
		this.mail = mail;
	}

	/** Whether a failed send will fail again however often it is retried (so it is recorded as failed). */
	static boolean permanent(Throwable failure) {
		for (Throwable t = failure; t != null; t = t.getCause()) {
			if (t instanceof SmsGateway.RejectedException || t instanceof SendFailedException) {
				return true;
			}
		}
		return false;
	}

	@Override
	public void configure() {
		if (!props.enabled()) {
			return;
		}
		from("timer:engagement-reminder-dispatch?period=" + props.pollPeriod().toMillis())
				.routeId("engagement-reminder-dispatch")
				.routeConfigurationId(ConnectorRouteConfiguration.ID)
				.process(e -> dispatcher.dispatchDue());

		from("timer:channel-tracking-updates?period=" + props.trackingPeriod().toMillis())
				.routeId("channel-tracking-updates")
				.routeConfigurationId(ConnectorRouteConfiguration.ID)
				.process(e -> tracking.applyPending());

		if (props.smtp().enabled()) {
			ChannelsProperties.Smtp smtp = props.smtp();
			from(EMAIL)
					.routeId("channel-email")
					.routeConfigurationId(ConnectorRouteConfiguration.ID)
					.process(this::mailHeaders)
					.to("smtp://" + smtp.host() + ":" + smtp.port() + credentials(smtp.user(), smtp.password()))
					.process(e -> e.getMessage().setHeader(PROVIDER_ID, e.getMessage().getHeader(MailConstants.MAIL_MESSAGE_ID)));
		}
		if (props.sms().enabled()) {
			SmsGateway gateway = new SmsGateway(props.sms());
			from(SMS)
					.routeId("channel-sms")
					.routeConfigurationId(ConnectorRouteConfiguration.ID)
					.process(e -> e.getMessage().setHeader(PROVIDER_ID, gateway.send(e.getMessage().getHeader(ADDRESS, String.class),
							e.getMessage().getBody(String.class), e.getMessage().getHeader(REFERENCE, String.class))));
		}
		if (props.bounces().enabled()) {
			from(mailbox(props.bounces()))
					.routeId("channel-bounces")
					.routeConfigurationId(ConnectorRouteConfiguration.ID)
					.process(e -> mail.onBounceMailbox(e.getIn(MailMessage.class).getOriginalMessage()));
		}
		if (props.replies().enabled()) {
			from(mailbox(props.replies()))
					.routeId("channel-replies")
					.routeConfigurationId(ConnectorRouteConfiguration.ID)
					.process(e -> mail.onReplyMailbox(e.getIn(MailMessage.class).getOriginalMessage()));
		}
	}

	/**
	 * Only the headers camel-mail should turn into mail headers: everything else on the exchange
	 * (addresses, keys) would otherwise be copied into the message.
	 */
	private void mailHeaders(Exchange e) {
		ChannelsProperties.Smtp smtp = props.smtp();
		String to = e.getMessage().getHeader(ADDRESS, String.class);
		String key = e.getMessage().getHeader(REQUEST_KEY, String.class);
		e.getMessage().removeHeaders("*");
		e.getMessage().setHeader("To", to);
		e.getMessage().setHeader("From", smtp.from());
		if (smtp.replyTo() != null && !smtp.replyTo().isBlank()) {
			e.getMessage().setHeader("Reply-To", smtp.replyTo());
		}
		e.getMessage().setHeader("Subject", smtp.subject());
		e.getMessage().setHeader(DeliveryStatusNotifications.COMMUNICATION_HEADER, key);
		e.getMessage().setHeader("Content-Type", "text/plain; charset=UTF-8");
	}

	private static String mailbox(ChannelsProperties.Mailbox box) {
		return box.protocol() + "://" + box.host() + ":" + box.port() + credentials(box.user(), box.password())
				+ (box.user() == null || box.user().isBlank() ? "?" : "&")
				+ "delay=" + box.pollPeriod().toMillis() + "&unseen=true&delete=false";
	}

	private static String credentials(String user, String password) {
		if (user == null || user.isBlank()) {
			return "";
		}
		return "?username=" + URLEncoder.encode(user, StandardCharsets.UTF_8)
				+ "&password=RAW(" + (password == null ? "" : password) + ")";
	}
}
