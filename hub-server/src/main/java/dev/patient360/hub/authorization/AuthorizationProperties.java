package dev.patient360.hub.authorization;

import jakarta.validation.constraints.NotBlank;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Authorization and consent enforcement.
 *
 * @param clinicPurposeOfUse  the purpose of use (v3-ActReason code) assumed for requests of a
 *     partner clinic, matched against {@code Consent.provision.purpose}; tokens carry no purpose yet
 * @param insurerPurposeOfUse the purpose of use assumed for requests of an insurer
 */
@Validated
@ConfigurationProperties("hub.authorization")
record AuthorizationProperties(
		@NotBlank @DefaultValue("TREAT") String clinicPurposeOfUse,
		@NotBlank @DefaultValue("HPAYMT") String insurerPurposeOfUse) {
}
