package dev.patient360.hub.engagement;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.patient360.hub.errors.HubErrorCode;
import dev.patient360.profiles.Codes.ContactChannel;

/**
 * Fills a message template. Syntax: {@code {name}} is a {@link Placeholder}; {@code [[ … ]]} is an
 * optional part, left out when one of its placeholders has no value (so "at {location}" disappears
 * for an appointment without a place). A placeholder outside an optional part that has no value is
 * left empty. A placeholder the channel does not allow (SMS: nothing beyond name, time, place and
 * link), an unknown name or an unbalanced bracket is {@link HubErrorCode#TEMPLATE_INVALID}.
 */
final class TemplateRenderer {

	private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]+)}");
	private static final Pattern OPTIONAL = Pattern.compile("\\[\\[(.*?)]]", Pattern.DOTALL);

	/**
	 * What a template may say. SMS travels unencrypted and is read on lock screens: only who, when,
	 * where and a link; a practitioner's name can reveal a specialty, so it is for e-mail only. The
	 * appointment's reason, type or any condition has no placeholder at all.
	 */
	enum Placeholder {
		GIVEN_NAME("givenName", true),
		APPOINTMENT_DATE("appointmentDate", true),
		APPOINTMENT_TIME("appointmentTime", true),
		LOCATION("location", true),
		LINK("link", true),
		PRACTITIONER("practitioner", false);

		final String key;
		final boolean allowedInSms;

		Placeholder(String key, boolean allowedInSms) {
			this.key = key;
			this.allowedInSms = allowedInSms;
		}

		static Placeholder ofKey(String key) {
			for (Placeholder p : values()) {
				if (p.key.equals(key)) {
					return p;
				}
			}
			return null;
		}
	}

	static final class TemplateException extends RuntimeException {
		TemplateException(HubErrorCode code, String text) {
			super(code.message(text));
		}
	}

	private TemplateRenderer() {
	}

	/** @param name the template's name, for the error message only */
	static String render(String name, String template, ContactChannel channel, Map<Placeholder, String> values) {
		check(name, template, channel);
		Matcher optional = OPTIONAL.matcher(template);
		StringBuilder out = new StringBuilder();
		while (optional.find()) {
			String part = optional.group(1);
			optional.appendReplacement(out, Matcher.quoteReplacement(allPresent(part, values) ? fill(part, values) : ""));
		}
		optional.appendTail(out);
		return fill(out.toString(), values);
	}

	/** Throws {@link TemplateException} when the template could not be rendered for the channel. */
	static void check(String name, String template, ContactChannel channel) {
		String outside = OPTIONAL.matcher(template).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
		if (outside.contains("[[") || outside.contains("]]")) {
			throw new TemplateException(HubErrorCode.TEMPLATE_INVALID, "template " + name + " has an unbalanced [[ ]]");
		}
		Matcher m = PLACEHOLDER.matcher(template);
		while (m.find()) {
			Placeholder p = Placeholder.ofKey(m.group(1));
			if (p == null) {
				throw new TemplateException(HubErrorCode.TEMPLATE_INVALID,
						"template " + name + " uses the unknown placeholder {" + m.group(1) + "}");
			}
			if (channel == ContactChannel.SMS && !p.allowedInSms) {
				throw new TemplateException(HubErrorCode.TEMPLATE_INVALID,
						"template " + name + " uses {" + p.key + "}, which an SMS must not carry");
			}
		}
	}

	private static boolean allPresent(String part, Map<Placeholder, String> values) {
		Matcher m = PLACEHOLDER.matcher(part);
		while (m.find()) {
			String v = values.get(Placeholder.ofKey(m.group(1)));
			if (v == null || v.isBlank()) {
				return false;
			}
		}
		return true;
	}

	private static String fill(String text, Map<Placeholder, String> values) {
		return PLACEHOLDER.matcher(text).replaceAll(m -> {
			String v = values.get(Placeholder.ofKey(m.group(1)));
			return Matcher.quoteReplacement(v == null ? "" : v);
		});
	}
}
