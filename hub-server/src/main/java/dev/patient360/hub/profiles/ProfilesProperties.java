package dev.patient360.hub.profiles;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The engagement implementation guide in the hub.
 *
 * @param install install the package at start ({@code HUB_PROFILES_INSTALL}); off only for a hub
 *     whose database already holds the same package version
 * @param enforce validate writes of resources that claim an engagement profile and refuse
 *     non-conforming ones with 422 ({@code HUB_PROFILES_ENFORCE})
 */
@Validated
@ConfigurationProperties("hub.profiles")
public record ProfilesProperties(
		@DefaultValue("true") boolean install,
		@DefaultValue("true") boolean enforce) {
}
