package dev.patient360.hub.engagement;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

import dev.patient360.hub.engagement.TemplateRenderer.TemplateException;
import dev.patient360.hub.errors.HubErrorCode;
import dev.patient360.profiles.Codes.ContactChannel;
import dev.patient360.profiles.Codes.ContactPurpose;

/**
 * Finds message templates by purpose, channel and language: {@code {purpose}.{channel}.{language}.txt}
 * (e.g. {@code appointment-reminder.sms.de.txt}), first in the override directory, then on the
 * classpath under {@code engagement/templates/}. The wanted language is tried first, then the
 * fallback language; neither is {@link HubErrorCode#TEMPLATE_MISSING}. Read on each use, so an edited
 * override file counts from the next reminder on.
 */
final class ReminderTemplates {

	static final String CLASSPATH_DIR = "engagement/templates/";

	private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,8}");

	/** A template as found: its language (the wanted or the fallback one), name and text. */
	record Template(String language, String name, String text) {
	}

	private final Path overrideDir;
	private final String fallbackLanguage;

	ReminderTemplates(Path overrideDir, String fallbackLanguage) {
		this.overrideDir = overrideDir;
		this.fallbackLanguage = primary(fallbackLanguage);
	}

	Template find(ContactPurpose purpose, ContactChannel channel, String language) {
		// The language comes from patient data and becomes part of a file name: letters only.
		String wanted = language == null || !LANGUAGE.matcher(primary(language)).matches() ? fallbackLanguage
				: primary(language);
		for (String lang : wanted.equals(fallbackLanguage) ? new String[] {wanted} : new String[] {wanted, fallbackLanguage}) {
			String name = purpose.code() + "." + channel.code() + "." + lang + ".txt";
			String text = read(name);
			if (text != null) {
				return new Template(lang, name, text);
			}
		}
		throw new TemplateException(HubErrorCode.TEMPLATE_MISSING, "no template " + purpose.code() + "." + channel.code()
				+ " in language " + wanted + " or " + fallbackLanguage);
	}

	/** The primary language subtag, lower case: {@code de-DE} → {@code de}. */
	static String primary(String language) {
		String l = language.strip().toLowerCase(Locale.ROOT);
		int dash = l.indexOf('-');
		return dash > 0 ? l.substring(0, dash) : l;
	}

	private String read(String name) {
		try {
			if (overrideDir != null) {
				Path file = overrideDir.resolve(name);
				if (Files.isRegularFile(file)) {
					return strip(Files.readString(file, StandardCharsets.UTF_8));
				}
			}
			try (InputStream in = ReminderTemplates.class.getClassLoader().getResourceAsStream(CLASSPATH_DIR + name)) {
				return in == null ? null : strip(new String(in.readAllBytes(), StandardCharsets.UTF_8));
			}
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** Editors add a final newline; a message should not end with one. */
	private static String strip(String text) {
		return text.stripTrailing();
	}
}
