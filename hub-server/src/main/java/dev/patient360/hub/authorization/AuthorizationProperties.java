package dev.patient360.hub.authorization;

import jakarta.validation.constraints.NotBlank;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Authorization and consent enforcement.
 *
 * @param clinicAccessViaCareRelationship whether a partner clinic also sees the patients in its care
 *     without a disclosure Consent: patients with an Encounter whose {@code serviceProvider} is the
 *     clinic's Organization, or an active CareTeam with the Organization as participant. An explicit
 *     Consent deny still wins. Off by default: disclosure needs the patient's consent
 * @param clinicPurposeOfUse  the purpose of use (v3-ActReason code) assumed for requests of a
 *     partner clinic, matched against {@code Consent.provision.purpose}; tokens carry no purpose yet
 * @param insurerPurposeOfUse the purpose of use assumed for requests of an insurer
 */
@Validated
@ConfigurationProperties("hub.authorization")
record AuthorizationProperties(
		@DefaultValue("false") boolean clinicAccessViaCareRelationship,
		@NotBlank @DefaultValue("TREAT") String clinicPurposeOfUse,
		@NotBlank @DefaultValue("HPAYMT") String insurerPurposeOfUse) {
}
