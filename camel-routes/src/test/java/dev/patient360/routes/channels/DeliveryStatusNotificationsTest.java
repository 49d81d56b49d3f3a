package dev.patient360.routes.channels;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.Properties;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Fixtures under {@code src/test/resources/channels/mail}, named by what they are. */
class DeliveryStatusNotificationsTest {

	@Test
	void aFailedDsnNamesTheCommunicationFromTheOriginalsHeaders() throws Exception {
		Optional<DeliveryStatusNotifications.Bounce> bounce = DeliveryStatusNotifications.bounce(
				mail("dsn-failed-with-original-headers.eml"));

		assertThat(bounce).hasValue(new DeliveryStatusNotifications.Bounce(
				"https://fhir.patient360.dev/sid/reminder|appt-42-appointment-reminder", "<1.17@reminders.patient360.local>"));
	}

	@Test
	void aDelayedDsnIsNoBounce() throws Exception {
		assertThat(DeliveryStatusNotifications.bounce(mail("dsn-delayed.eml"))).isEmpty();
	}

	@Test
	void ordinaryMailIsNoBounce() throws Exception {
		assertThat(DeliveryStatusNotifications.bounce(mail("reply-from-patient.eml"))).isEmpty();
	}

	@Test
	void aReplyAnswersTheMessageItsInReplyToNames() throws Exception {
		assertThat(DeliveryStatusNotifications.repliedTo(mail("reply-from-patient.eml"))).hasValue("<1.17@reminders.patient360.local>");
		assertThat(DeliveryStatusNotifications.repliedTo(mail("dsn-delayed.eml"))).isEmpty();
	}

	private static MimeMessage mail(String name) throws IOException, MessagingException {
		try (InputStream in = DeliveryStatusNotificationsTest.class.getResourceAsStream("/channels/mail/" + name)) {
			return new MimeMessage(Session.getInstance(new Properties()), in);
		}
	}
}
