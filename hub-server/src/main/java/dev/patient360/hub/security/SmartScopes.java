package dev.patient360.hub.security;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The resource scopes of one token. Tokens that are not resource scopes are dropped. */
public record SmartScopes(List<SmartScope> scopes) {

	public SmartScopes {
		scopes = List.copyOf(scopes);
	}

	/** Parses the space-separated {@code scope} claim of an access token. */
	public static SmartScopes parse(String scopeClaim) {
		if (scopeClaim == null || scopeClaim.isBlank()) {
			return new SmartScopes(List.of());
		}
		return new SmartScopes(Arrays.stream(scopeClaim.trim().split("\\s+"))
				.map(SmartScope::parse)
				.flatMap(Optional::stream)
				.toList());
	}

	/** Whether any scope in the given context grants the interaction on the type. */
	public boolean grants(SmartScope.Context context, String resourceType, Interaction interaction) {
		return scopes.stream().anyMatch(s -> s.context() == context && s.grants(resourceType, interaction));
	}

	/** Whether any scope, in any context, grants the interaction on the type. */
	public boolean grantsAnyContext(String resourceType, Interaction interaction) {
		return scopes.stream().anyMatch(s -> s.grants(resourceType, interaction));
	}
}
