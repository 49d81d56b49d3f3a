package dev.patient360.hub.security;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SMART on FHIR resource scope, v2 ({@code patient/Observation.rs}) or v1
 * ({@code user/Patient.read}) syntax. v1 {@code read} means {@code rs}, {@code write} means
 * {@code cud}, {@code *} means {@code cruds}.
 *
 * <p>A v2 scope may carry a query ({@code patient/Observation.rs?category=laboratory}). The hub
 * cannot enforce such restrictions on every interaction yet, so a restricted scope grants nothing
 * (fail closed) rather than everything.
 *
 * @param context      {@code patient}, {@code user} or {@code system}
 * @param resourceType a FHIR resource type or {@code *}
 * @param interactions the interactions granted
 * @param query        the v2 query restriction, empty when none
 */
public record SmartScope(Context context, String resourceType, Set<Interaction> interactions, String query) {

	/** Whose data a scope reaches: the patient in context, what the user may see, or the whole system. */
	public enum Context {
		PATIENT, USER, SYSTEM
	}

	private static final Pattern SCOPE = Pattern.compile(
			"(patient|user|system)/(\\*|[A-Z][A-Za-z]+)\\.(read|write|\\*|c?r?u?d?s?)(\\?.*)?");

	public SmartScope {
		interactions = interactions.isEmpty() ? EnumSet.noneOf(Interaction.class) : EnumSet.copyOf(interactions);
		query = query == null ? "" : query;
	}

	/** Parses one scope token; empty for tokens that are not resource scopes ({@code openid}, {@code launch}, …). */
	public static Optional<SmartScope> parse(String token) {
		Matcher m = SCOPE.matcher(token);
		if (!m.matches() || m.group(3).isEmpty()) {
			return Optional.empty();
		}
		Context context = Context.valueOf(m.group(1).toUpperCase(Locale.ROOT));
		String query = m.group(4) == null ? "" : m.group(4).substring(1);
		return Optional.of(new SmartScope(context, m.group(2), letters(m.group(3)), query));
	}

	private static Set<Interaction> letters(String permissions) {
		EnumSet<Interaction> granted = EnumSet.noneOf(Interaction.class);
		switch (permissions) {
			case "read" -> granted.addAll(Set.of(Interaction.READ, Interaction.SEARCH));
			case "write" -> granted.addAll(Set.of(Interaction.CREATE, Interaction.UPDATE, Interaction.DELETE));
			case "*" -> granted.addAll(EnumSet.allOf(Interaction.class));
			default -> {
				for (Interaction interaction : Interaction.values()) {
					if (permissions.indexOf(interaction.letter()) >= 0) {
						granted.add(interaction);
					}
				}
			}
		}
		return granted;
	}

	/** Whether this scope grants the interaction on the resource type (ignoring whose data it is). */
	public boolean grants(String type, Interaction interaction) {
		return query.isEmpty()
				&& ("*".equals(resourceType) || resourceType.equals(type))
				&& interactions.contains(interaction);
	}
}
