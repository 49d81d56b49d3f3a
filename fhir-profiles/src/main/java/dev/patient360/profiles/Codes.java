package dev.patient360.profiles;

import java.util.Locale;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;

/** The closed code lists of the guide as enums; each knows its system and makes Codings. */
public final class Codes {

	private Codes() {
	}

	/** A code of one of the guide's code systems. */
	public interface HubCode {
		String system();

		String code();

		default Coding coding() {
			return new Coding(system(), code(), null);
		}

		default CodeableConcept concept() {
			return new CodeableConcept(coding());
		}

		default boolean matches(Coding c) {
			return c != null && system().equals(c.getSystem()) && code().equals(c.getCode());
		}
	}

	static <E extends Enum<E> & HubCode> E fromCoding(Class<E> type, Coding c) {
		if (c == null) {
			return null;
		}
		for (E e : type.getEnumConstants()) {
			if (e.matches(c)) {
				return e;
			}
		}
		return null;
	}

	static String kebab(Enum<?> e) {
		return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	public enum JourneyStage implements HubCode {
		AWARENESS, HELP_SEEKING, CARE, TREATMENT, BEHAVIOUR_CHANGE, ONGOING_CARE;

		public String system() {
			return Canonicals.CS_JOURNEY_STAGE;
		}

		public String code() {
			return kebab(this);
		}

		public static JourneyStage of(Coding c) {
			return fromCoding(JourneyStage.class, c);
		}
	}

	/** Who set a journey stage. */
	public enum StageSource implements HubCode {
		DERIVED, MANUAL;

		public String system() {
			return Canonicals.CS_JOURNEY_STAGE_SOURCE;
		}

		public String code() {
			return kebab(this);
		}

		public static StageSource ofCode(String code) {
			for (StageSource s : values()) {
				if (s.code().equals(code)) {
					return s;
				}
			}
			return null;
		}
	}

	/** The hub's segments; deployments may use Codings of their own systems as well. */
	public enum Segment implements HubCode {
		CHRONIC_CARE, PREVENTIVE, ACUTE_EPISODE, HIGH_VALUE, AT_RISK_OF_CHURN, NEW;

		public String system() {
			return Canonicals.CS_SEGMENT;
		}

		public String code() {
			return kebab(this);
		}
	}

	public enum ContactPurpose implements HubCode {
		APPOINTMENT_REMINDER, CARE_INFORMATION, BILLING, MARKETING, SURVEY;

		public String system() {
			return Canonicals.CS_CONTACT_PURPOSE;
		}

		public String code() {
			return kebab(this);
		}

		public static ContactPurpose of(Coding c) {
			return fromCoding(ContactPurpose.class, c);
		}
	}

	public enum ContactChannel implements HubCode {
		SMS, EMAIL, PHONE, LETTER, PORTAL, APP_PUSH;

		public String system() {
			return Canonicals.CS_CONTACT_CHANNEL;
		}

		public String code() {
			return kebab(this);
		}

		public static ContactChannel of(Coding c) {
			return fromCoding(ContactChannel.class, c);
		}
	}

	public enum ValueMethod implements HubCode {
		LIFETIME_VALUE, RELATIONSHIP_VALUE, MANUAL;

		public String system() {
			return Canonicals.CS_VALUE_METHOD;
		}

		public String code() {
			return kebab(this);
		}

		public static ValueMethod of(Coding c) {
			return fromCoding(ValueMethod.class, c);
		}
	}

	public enum DeliveryStatus implements HubCode {
		QUEUED, SENT, DELIVERED, BOUNCED, FAILED;

		public String system() {
			return Canonicals.CS_DELIVERY_STATUS;
		}

		public String code() {
			return kebab(this);
		}

		public static DeliveryStatus ofCode(String code) {
			for (DeliveryStatus s : values()) {
				if (s.code().equals(code)) {
					return s;
				}
			}
			return null;
		}
	}

	/** Why a planned message was not sent: statusReason of a Communication with status not-done. */
	public enum NotDoneReason implements HubCode {
		/** No active contact Consent permits this purpose (and channel) at the time of sending. */
		NO_CONTACT_CONSENT,
		/** No channel the patient accepts for this purpose (channel routes). */
		NO_CHANNEL,
		/** The channel failed to deliver for good (channel routes). */
		DELIVERY_FAILED,
		/** The patient opted out of this purpose in their contact preference. */
		OPTED_OUT,
		/** No channel with an address (e-mail, mobile phone) the message could go to. */
		NO_ADDRESS,
		/** No allowed contact time is left between now and the appointment. */
		NO_ALLOWED_TIME,
		/** No message template for the purpose and channel in the patient's or the fallback language. */
		NO_TEMPLATE;

		public String system() {
			return Canonicals.CS_COMMUNICATION_NOT_DONE_REASON;
		}

		public String code() {
			return kebab(this);
		}

		public static NotDoneReason of(Coding c) {
			return fromCoding(NotDoneReason.class, c);
		}
	}
}
