package dev.patient360.profiles;

import java.math.BigDecimal;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import dev.patient360.profiles.Codes.ContactChannel;
import dev.patient360.profiles.Codes.ContactPurpose;
import dev.patient360.profiles.Codes.JourneyStage;
import dev.patient360.profiles.Codes.StageSource;
import dev.patient360.profiles.Codes.ValueMethod;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.TimeType;
import org.hl7.fhir.r4.model.Type;

import static dev.patient360.profiles.Extensions.part;
import static dev.patient360.profiles.Extensions.value;

/**
 * Typed access to the engagement extensions of a Patient (EngagementPatient). Setters replace what
 * was there; getters return null or an empty list when the extension is absent.
 */
public final class PatientEngagement {

	/** FHIR time is hh:mm:ss; LocalTime.toString() drops zero seconds. */
	private static final DateTimeFormatter FHIR_TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

	private PatientEngagement() {
	}

	/** The journey stage, since when, and who set it. */
	public record Stage(JourneyStage stage, Date since, StageSource source) {
	}

	/** An engagement value score (0..100), its method and when it was computed. */
	public record Value(BigDecimal score, ValueMethod method, Date computed) {
	}

	/**
	 * A contact preference for one purpose. {@code hoursStart}/{@code hoursEnd} bound the allowed
	 * contact window in local time (outside it is quiet time); null = no restriction.
	 */
	public record ContactPreference(ContactPurpose purpose, ContactChannel channel, ContactPoint telecom,
			LocalTime hoursStart, LocalTime hoursEnd, String language, boolean optedOut) {
	}

	/** Adds the EngagementPatient profile to meta.profile (once). */
	public static Patient claimProfile(Patient patient) {
		if (!patient.getMeta().hasProfile(Canonicals.PROFILE_PATIENT)) {
			patient.getMeta().addProfile(Canonicals.PROFILE_PATIENT);
		}
		return patient;
	}

	public static Stage getStage(Patient patient) {
		Extension e = patient.getExtensionByUrl(Canonicals.EXT_JOURNEY_STAGE);
		if (e == null) {
			return null;
		}
		Type stage = value(e, "stage");
		Type period = value(e, "period");
		Type source = value(e, "source");
		return new Stage(stage instanceof Coding c ? JourneyStage.of(c) : null,
				period instanceof Period p ? p.getStart() : null,
				source instanceof CodeType code ? StageSource.ofCode(code.getValue()) : null);
	}

	public static void setStage(Patient patient, Stage stage) {
		Extensions.removeAll(patient, Canonicals.EXT_JOURNEY_STAGE);
		if (stage == null) {
			return;
		}
		Extension e = patient.addExtension().setUrl(Canonicals.EXT_JOURNEY_STAGE);
		part(e, "stage", stage.stage().coding());
		if (stage.since() != null) {
			part(e, "period", new Period().setStart(stage.since()));
		}
		part(e, "source", new CodeType(stage.source().code()));
	}

	public static List<Coding> getSegments(Patient patient) {
		List<Coding> out = new ArrayList<>();
		for (Extension e : patient.getExtensionsByUrl(Canonicals.EXT_SEGMENT)) {
			if (e.getValue() instanceof Coding c) {
				out.add(c);
			}
		}
		return out;
	}

	/** Replaces the segments; Codings from a deployment's own code system are allowed. */
	public static void setSegments(Patient patient, List<Coding> segments) {
		Extensions.removeAll(patient, Canonicals.EXT_SEGMENT);
		segments.forEach(s -> patient.addExtension(Canonicals.EXT_SEGMENT, s.copy()));
	}

	public static Value getValue(Patient patient) {
		Extension e = patient.getExtensionByUrl(Canonicals.EXT_ENGAGEMENT_VALUE);
		if (e == null) {
			return null;
		}
		return new Value(value(e, "score") instanceof DecimalType d ? d.getValue() : null,
				value(e, "method") instanceof Coding c ? ValueMethod.of(c) : null,
				value(e, "date") instanceof DateTimeType dt ? dt.getValue() : null);
	}

	public static void setValue(Patient patient, Value value) {
		Extensions.removeAll(patient, Canonicals.EXT_ENGAGEMENT_VALUE);
		if (value == null) {
			return;
		}
		if (value.score().signum() < 0 || value.score().compareTo(BigDecimal.valueOf(100)) > 0) {
			throw new IllegalArgumentException("engagement value score must be within 0..100");
		}
		Extension e = patient.addExtension().setUrl(Canonicals.EXT_ENGAGEMENT_VALUE);
		part(e, "score", new DecimalType(value.score()));
		part(e, "method", value.method().coding());
		part(e, "date", new DateTimeType(value.computed()));
	}

	public static List<ContactPreference> getContactPreferences(Patient patient) {
		List<ContactPreference> out = new ArrayList<>();
		for (Extension e : patient.getExtensionsByUrl(Canonicals.EXT_CONTACT_PREFERENCE)) {
			out.add(new ContactPreference(
					value(e, "purpose") instanceof Coding p ? ContactPurpose.of(p) : null,
					value(e, "channel") instanceof Coding c ? ContactChannel.of(c) : null,
					value(e, "telecom") instanceof ContactPoint cp ? cp : null,
					value(e, "hours-start") instanceof TimeType t ? LocalTime.parse(t.getValue()) : null,
					value(e, "hours-end") instanceof TimeType t ? LocalTime.parse(t.getValue()) : null,
					value(e, "language") instanceof CodeType l ? l.getValue() : null,
					value(e, "opted-out") instanceof BooleanType b && b.booleanValue()));
		}
		return out;
	}

	public static void setContactPreferences(Patient patient, List<ContactPreference> preferences) {
		Extensions.removeAll(patient, Canonicals.EXT_CONTACT_PREFERENCE);
		for (ContactPreference p : preferences) {
			Extension e = patient.addExtension().setUrl(Canonicals.EXT_CONTACT_PREFERENCE);
			part(e, "purpose", p.purpose().coding());
			part(e, "channel", p.channel().coding());
			part(e, "telecom", p.telecom() == null ? null : p.telecom().copy());
			part(e, "hours-start", p.hoursStart() == null ? null : new TimeType(p.hoursStart().format(FHIR_TIME)));
			part(e, "hours-end", p.hoursEnd() == null ? null : new TimeType(p.hoursEnd().format(FHIR_TIME)));
			part(e, "language", p.language() == null ? null : new CodeType(p.language()));
			if (p.optedOut()) {
				part(e, "opted-out", new BooleanType(true));
			}
		}
	}

}
