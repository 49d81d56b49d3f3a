package dev.patient360.routes.channels;

import java.util.Optional;

import dev.patient360.profiles.Codes.ContactChannel;
import dev.patient360.profiles.Codes.ContactPurpose;
import dev.patient360.profiles.PatientEngagement;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Patient;

/**
 * Where a message for a purpose goes on a channel: the telecom of the patient's contact preference
 * for that purpose and channel when it has one, else the first usable Patient.telecom of the
 * channel's system (for SMS only a mobile phone). Pure: no I/O.
 */
final class ContactAddressResolver {

	private ContactAddressResolver() {
	}

	static Optional<String> resolve(Patient patient, ContactPurpose purpose, ContactChannel channel) {
		for (PatientEngagement.ContactPreference preference : PatientEngagement.getContactPreferences(patient)) {
			if (preference.purpose() == purpose && preference.channel() == channel && usable(preference.telecom(), channel, true)) {
				return Optional.of(preference.telecom().getValue().trim());
			}
		}
		return patient.getTelecom().stream()
				.filter(t -> usable(t, channel, false))
				.map(t -> t.getValue().trim())
				.findFirst();
	}

	private static boolean usable(ContactPoint telecom, ContactChannel channel, boolean preferred) {
		if (telecom == null || telecom.getValue() == null || telecom.getValue().isBlank()) {
			return false;
		}
		if (telecom.hasPeriod() && telecom.getPeriod().hasEnd()) {
			return false;
		}
		if (telecom.getUse() == ContactPoint.ContactPointUse.OLD) {
			return false;
		}
		return switch (channel) {
			case EMAIL -> telecom.getSystem() == ContactPoint.ContactPointSystem.EMAIL;
			// A preference naming a phone for SMS is the patient's own statement that it takes texts.
			case SMS -> (telecom.getSystem() == ContactPoint.ContactPointSystem.PHONE
					|| telecom.getSystem() == ContactPoint.ContactPointSystem.SMS)
					&& (preferred || telecom.getUse() == ContactPoint.ContactPointUse.MOBILE
							|| telecom.getSystem() == ContactPoint.ContactPointSystem.SMS);
			default -> false;
		};
	}
}
