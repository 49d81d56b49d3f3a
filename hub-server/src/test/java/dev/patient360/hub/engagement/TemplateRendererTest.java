package dev.patient360.hub.engagement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

import dev.patient360.hub.engagement.ReminderTemplates.Template;
import dev.patient360.hub.engagement.TemplateRenderer.Placeholder;
import dev.patient360.hub.engagement.TemplateRenderer.TemplateException;
import dev.patient360.profiles.Codes.ContactChannel;
import dev.patient360.profiles.Codes.ContactPurpose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TemplateRendererTest {

	static final Instant START = Instant.parse("2030-03-12T09:00:00Z");
	static final ReminderTemplates SHIPPED = new ReminderTemplates(null, "de");

	@ParameterizedTest(name = "{0} {1}")
	@CsvSource({"SMS,de", "SMS,en", "EMAIL,de", "EMAIL,en"})
	void theShippedTemplatesRenderAsTheGoldenFiles(ContactChannel channel, String language) {
		Template t = SHIPPED.find(ContactPurpose.APPOINTMENT_REMINDER, channel, language);

		assertThat(TemplateRenderer.render(t.name(), t.text(), channel, values(language)))
				.isEqualTo(golden("appointment-reminder." + channel.code() + "." + language + ".txt"));
	}

	@ParameterizedTest(name = "{0} {1}")
	@CsvSource({"SMS,de", "SMS,en", "EMAIL,de", "EMAIL,en"})
	void optionalPartsWithoutAValueAreLeftOut(ContactChannel channel, String language) {
		Map<Placeholder, String> values = values(language);
		values.remove(Placeholder.GIVEN_NAME);
		values.remove(Placeholder.LOCATION);
		values.remove(Placeholder.LINK);
		values.remove(Placeholder.PRACTITIONER);
		Template t = SHIPPED.find(ContactPurpose.APPOINTMENT_REMINDER, channel, language);

		assertThat(TemplateRenderer.render(t.name(), t.text(), channel, values))
				.isEqualTo(golden("appointment-reminder." + channel.code() + "." + language + ".minimal.txt"));
	}

	@Test
	void anSmsTemplateMayNotNameThePractitioner() {
		assertThatThrownBy(() -> TemplateRenderer.render("x.sms.de.txt", "Termin bei {practitioner}", ContactChannel.SMS,
				values("de")))
				.isInstanceOf(TemplateException.class)
				.hasMessageStartingWith("HUB-6022")
				.hasMessageContaining("{practitioner}");
		assertThat(TemplateRenderer.render("x.email.de.txt", "Termin bei {practitioner}", ContactChannel.EMAIL,
				values("de"))).isEqualTo("Termin bei Dr. Maria Weber");
	}

	@Test
	void aPlaceholderForClinicalDetailDoesNotExist() {
		for (String clinical : new String[] {"{reason}", "{serviceType}", "{condition}", "{diagnosis}"}) {
			assertThatThrownBy(() -> TemplateRenderer.check("x.email.de.txt", "Grund: " + clinical, ContactChannel.EMAIL))
					.isInstanceOf(TemplateException.class)
					.hasMessageStartingWith("HUB-6022");
		}
	}

	@Test
	void anUnbalancedOptionalPartIsRefused() {
		assertThatThrownBy(() -> TemplateRenderer.check("x.sms.de.txt", "Hallo [[{givenName}", ContactChannel.SMS))
				.isInstanceOf(TemplateException.class)
				.hasMessageStartingWith("HUB-6022");
	}

	@Test
	void aLanguageWithoutTemplateFallsBackToTheConfiguredLanguage() {
		Template t = SHIPPED.find(ContactPurpose.APPOINTMENT_REMINDER, ContactChannel.SMS, "fr-CA");

		assertThat(t.language()).isEqualTo("de");
		assertThat(t.name()).isEqualTo("appointment-reminder.sms.de.txt");
		assertThat(SHIPPED.find(ContactPurpose.APPOINTMENT_REMINDER, ContactChannel.SMS, "en-GB").language()).isEqualTo("en");
	}

	@Test
	void aLanguageThatIsNoLanguageTagIsNotUsedAsAFileName() {
		assertThat(SHIPPED.find(ContactPurpose.APPOINTMENT_REMINDER, ContactChannel.SMS, "../../etc/passwd").language())
				.isEqualTo("de");
	}

	@Test
	void noTemplateInEitherLanguageIsAClearError() {
		assertThatThrownBy(() -> SHIPPED.find(ContactPurpose.MARKETING, ContactChannel.SMS, "en"))
				.isInstanceOf(TemplateException.class)
				.hasMessageStartingWith("HUB-6021")
				.hasMessageContaining("marketing.sms");
	}

	@Test
	void aTemplateInTheOverrideDirectoryReplacesTheShippedOne(@TempDir Path dir) throws IOException {
		Files.writeString(dir.resolve("appointment-reminder.sms.de.txt"), "Bis {appointmentDate}!\n");
		ReminderTemplates overridden = new ReminderTemplates(dir, "de");

		Template sms = overridden.find(ContactPurpose.APPOINTMENT_REMINDER, ContactChannel.SMS, "de");
		assertThat(TemplateRenderer.render(sms.name(), sms.text(), ContactChannel.SMS, values("de")))
				.isEqualTo("Bis Dienstag, 12. März 2030!");
		assertThat(overridden.find(ContactPurpose.APPOINTMENT_REMINDER, ContactChannel.EMAIL, "de").text())
				.isEqualTo(SHIPPED.find(ContactPurpose.APPOINTMENT_REMINDER, ContactChannel.EMAIL, "de").text());
	}

	static Map<Placeholder, String> values(String language) {
		ZoneId berlin = ZoneId.of("Europe/Berlin");
		Map<Placeholder, String> v = new EnumMap<>(Placeholder.class);
		v.put(Placeholder.GIVEN_NAME, "Anna");
		v.put(Placeholder.APPOINTMENT_DATE,
				ReminderService.dateFormat(language, Locale.forLanguageTag(language)).format(START.atZone(berlin)));
		v.put(Placeholder.APPOINTMENT_TIME, "10:00");
		v.put(Placeholder.LOCATION, "Praxis am Markt");
		v.put(Placeholder.PRACTITIONER, "Dr. Maria Weber");
		v.put(Placeholder.LINK, "https://hub.example.org/t/42.AAAAAAAAAAAAAAAAAAAAAA");
		return v;
	}

	private static String golden(String name) {
		try (InputStream in = TemplateRendererTest.class.getResourceAsStream("/engagement/golden/" + name)) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8).stripTrailing();
		}
		catch (IOException e) {
			throw new IllegalStateException(e);
		}
	}
}
