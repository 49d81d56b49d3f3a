package dev.patient360.hub.engagement;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TimeZone;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceOrListParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import dev.patient360.hub.engagement.ReminderRules.Outcome;
import dev.patient360.hub.engagement.ReminderRules.Plan;
import dev.patient360.hub.engagement.ReminderRules.Skip;
import dev.patient360.hub.engagement.ReminderTemplates.Template;
import dev.patient360.hub.engagement.TemplateRenderer.Placeholder;
import dev.patient360.hub.engagement.TemplateRenderer.TemplateException;
import dev.patient360.hub.errors.HubErrorCode;
import dev.patient360.hub.identity.PatientIndex;
import dev.patient360.profiles.Canonicals;
import dev.patient360.profiles.Codes.ContactChannel;
import dev.patient360.profiles.Codes.NotDoneReason;
import dev.patient360.profiles.PatientEngagement;
import dev.patient360.profiles.PatientEngagement.ContactPreference;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.CommunicationRequest;
import org.hl7.fhir.r4.model.CommunicationRequest.CommunicationRequestStatus;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one appointment-reminder CommunicationRequest per Appointment in line with the Appointment,
 * the patient's preferences and contact Consents (the contract in docs/engagement.md). Writes are
 * the hub's own ({@link SystemRequestDetails}); each write happens only when something changed, so
 * processing the same Appointment version again writes nothing. A request already sent
 * ({@code completed}) is history and is left alone.
 */
class ReminderService {

	private static final Logger log = LoggerFactory.getLogger(ReminderService.class);

	private final DaoRegistry daos;
	private final PatientIndex index;
	private final ReminderTemplates templates;
	private final TrackedLinks links;
	private final ReminderProperties properties;
	private final TrackingProperties tracking;
	private final Clock clock;

	ReminderService(DaoRegistry daos, PatientIndex index, ReminderTemplates templates, TrackedLinks links,
			ReminderProperties properties, TrackingProperties tracking, Clock clock) {
		this.daos = daos;
		this.index = index;
		this.templates = templates;
		this.links = links;
		this.properties = properties;
		this.tracking = tracking;
		this.clock = clock;
	}

	static String identifierValue(String appointmentIdPart) {
		return appointmentIdPart + "-" + ReminderRules.PURPOSE.code();
	}

	/** @param appointmentId {@code Appointment/{id}} */
	void plan(String appointmentId) {
		String idPart = new IdType(appointmentId).getIdPart();
		Instant now = clock.instant();
		Appointment appointment = read(Appointment.class, "Appointment/" + idPart);
		CommunicationRequest existing = existingRequest(idPart);
		Reference patientRef = appointment == null ? null : patientOf(appointment);
		Patient patient = patientRef == null ? null : read(Patient.class, patientRef.getReference());
		if (appointment == null || patient == null || !remindable(appointment, now)) {
			revoke(existing, now);
			return;
		}
		String patientId = "Patient/" + patient.getIdElement().getIdPart();
		Instant start = appointment.getStart().toInstant();
		Instant pendingDue = existing != null && existing.getStatus() == CommunicationRequestStatus.ACTIVE
				&& existing.hasOccurrenceDateTimeType() ? existing.getOccurrenceDateTimeType().getValue().toInstant() : null;
		Outcome outcome = ReminderRules.decide(
				new ReminderRules.Facts(start, now, preferences(patient), telecom(patient), consents(patientId),
						language(patient), pendingDue),
				ReminderRules.Settings.of(properties));
		if (outcome instanceof Plan plan) {
			try {
				write(existing, appointment, idPart, patientId, patient, plan, now);
				return;
			}
			catch (TemplateException e) {
				log.warn("{} reminder not planned for one Appointment: {}", HubErrorCode.REMINDER_PLANNING_FAILED.code(),
						e.getMessage());
				outcome = new Skip(NotDoneReason.NO_TEMPLATE);
			}
		}
		revoke(existing, now);
		recordNotDone(idPart, patientId, ((Skip) outcome).reason());
	}

	private static boolean remindable(Appointment a, Instant now) {
		return (a.getStatus() == Appointment.AppointmentStatus.BOOKED || a.getStatus() == Appointment.AppointmentStatus.PENDING)
				&& a.hasStart() && a.getStart().toInstant().isAfter(now);
	}

	private static Reference patientOf(Appointment a) {
		return a.getParticipant().stream()
				.map(Appointment.AppointmentParticipantComponent::getActor)
				.filter(r -> r != null && "Patient".equals(r.getReferenceElement().getResourceType())
						&& r.getReferenceElement().hasIdPart())
				.map(r -> new Reference("Patient/" + r.getReferenceElement().getIdPart()))
				.findFirst()
				.orElse(null);
	}

	private void write(CommunicationRequest existing, Appointment appointment, String idPart, String patientId,
			Patient patient, Plan plan, Instant now) {
		if (existing != null && existing.getStatus() == CommunicationRequestStatus.COMPLETED) {
			return;
		}
		Template template = templates.find(ReminderRules.PURPOSE, plan.channel(), plan.language() != null ? plan.language()
				: properties.language());
		CommunicationRequest request = existing != null ? existing.copy() : new CommunicationRequest();
		if (existing == null) {
			request.getMeta().addProfile(Canonicals.PROFILE_COMMUNICATION_REQUEST);
			request.addIdentifier().setSystem(Canonicals.SID_REMINDER).setValue(identifierValue(idPart));
		}
		request.setStatus(CommunicationRequestStatus.ACTIVE);
		request.setCategory(List.of(ReminderRules.PURPOSE.concept()));
		request.setMedium(List.of(plan.channel().concept()));
		request.setSubject(new Reference(patientId));
		request.setRecipient(List.of(new Reference(patientId)));
		request.setAbout(List.of(new Reference("Appointment/" + idPart)));
		request.setOccurrence(new DateTimeType(Date.from(plan.due()), TemporalPrecisionEnum.SECOND,
				TimeZone.getTimeZone(properties.timeZone())));
		if (existing == null) {
			request.setAuthoredOn(Date.from(now));
			// The tracked link needs the request's id: created with a plain link first, in the same
			// transaction, so nobody sees this version.
			request.setPayload(List.of(new CommunicationRequest.CommunicationRequestPayloadComponent(new StringType(
					TemplateRenderer.render(template.name(), template.text(), plan.channel(),
							values(appointment, patient, template.language(), null))))));
			IIdType created = daos.getResourceDao(CommunicationRequest.class).create(request, new SystemRequestDetails())
					.getId();
			request.setId(created.toUnqualifiedVersionless().getValue());
		}
		String text = TemplateRenderer.render(template.name(), template.text(), plan.channel(),
				values(appointment, patient, template.language(), request.getIdElement().getIdPart()));
		request.setPayload(List.of(new CommunicationRequest.CommunicationRequestPayloadComponent(new StringType(text))));
		if (existing != null && same(existing, request)) {
			return;
		}
		request.setAuthoredOn(Date.from(now));
		request.setId(request.getIdElement().toUnqualifiedVersionless());
		daos.getResourceDao(CommunicationRequest.class).update(request, new SystemRequestDetails());
	}

	private static boolean same(CommunicationRequest a, CommunicationRequest b) {
		return a.getStatus() == b.getStatus()
				&& Objects.equals(a.getOccurrenceDateTimeType().getValue(), b.getOccurrenceDateTimeType().getValue())
				&& a.getMediumFirstRep().getCodingFirstRep().equalsShallow(b.getMediumFirstRep().getCodingFirstRep())
				&& a.getPayloadFirstRep().getContentStringType().getValue()
						.equals(b.getPayloadFirstRep().getContentStringType().getValue())
				&& a.getSubject().getReference().equals(b.getSubject().getReference());
	}

	private Map<Placeholder, String> values(Appointment appointment, Patient patient, String language, String requestId) {
		Locale locale = Locale.forLanguageTag(language);
		ZoneId zone = properties.timeZone();
		Map<Placeholder, String> values = new EnumMap<>(Placeholder.class);
		values.put(Placeholder.GIVEN_NAME, patient.getNameFirstRep().getGivenAsSingleString());
		values.put(Placeholder.APPOINTMENT_DATE, dateFormat(language, locale).format(appointment.getStart().toInstant().atZone(zone)));
		values.put(Placeholder.APPOINTMENT_TIME, DateTimeFormatter.ofPattern("HH:mm", locale)
				.format(appointment.getStart().toInstant().atZone(zone)));
		values.put(Placeholder.LOCATION, participantName(appointment, "Location"));
		values.put(Placeholder.PRACTITIONER, participantName(appointment, "Practitioner"));
		values.put(Placeholder.LINK, tracking.enabled() && requestId != null
				? stripSlash(tracking.publicUrl().toString()) + "/t/" + links.token(requestId)
				: tracking.linkTarget().toString());
		return values;
	}

	/** Written-out dates read warmer than numbers; other languages get the JDK's long form. */
	static DateTimeFormatter dateFormat(String language, Locale locale) {
		return switch (language) {
			case "de" -> DateTimeFormatter.ofPattern("EEEE, d. MMMM yyyy", Locale.GERMAN);
			case "en" -> DateTimeFormatter.ofPattern("EEEE, d MMMM yyyy", Locale.ENGLISH);
			default -> DateTimeFormatter.ofLocalizedDate(FormatStyle.FULL).withLocale(locale);
		};
	}

	private static String stripSlash(String url) {
		return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
	}

	private String participantName(Appointment appointment, String type) {
		for (Appointment.AppointmentParticipantComponent p : appointment.getParticipant()) {
			Reference actor = p.getActor();
			if (actor == null || !(type.equals(actor.getReferenceElement().getResourceType()) || type.equals(actor.getType()))) {
				continue;
			}
			if (actor.hasDisplay()) {
				return actor.getDisplay();
			}
			if (!actor.getReferenceElement().hasIdPart()) {
				continue;
			}
			String id = type + "/" + actor.getReferenceElement().getIdPart();
			IBaseResource resource = type.equals("Location") ? read(Location.class, id) : read(Practitioner.class, id);
			if (resource instanceof Location l && l.hasName()) {
				return l.getName();
			}
			if (resource instanceof Practitioner pr && pr.hasName()) {
				return pr.getNameFirstRep().getNameAsSingleString();
			}
		}
		return null;
	}

	private void revoke(CommunicationRequest existing, Instant now) {
		if (existing == null || existing.getStatus() != CommunicationRequestStatus.ACTIVE) {
			return;
		}
		CommunicationRequest revoked = existing.copy();
		revoked.setId(existing.getIdElement().toUnqualifiedVersionless());
		revoked.setStatus(CommunicationRequestStatus.REVOKED);
		revoked.setAuthoredOn(Date.from(now));
		daos.getResourceDao(CommunicationRequest.class).update(revoked, new SystemRequestDetails());
	}

	/** One not-done Communication per Appointment and reason (conditional create on its identifier). */
	private void recordNotDone(String idPart, String patientId, NotDoneReason reason) {
		String value = identifierValue(idPart) + "-" + reason.code();
		Communication c = new Communication();
		c.addIdentifier().setSystem(Canonicals.SID_REMINDER_NOT_DONE).setValue(value);
		c.setStatus(Communication.CommunicationStatus.NOTDONE);
		c.setStatusReason(new CodeableConcept(reason.coding()));
		c.setCategory(List.of(ReminderRules.PURPOSE.concept()));
		c.setSubject(new Reference(patientId));
		c.setAbout(List.of(new Reference("Appointment/" + idPart)));
		daos.getResourceDao(Communication.class).create(c,
				"Communication?identifier=" + Canonicals.SID_REMINDER_NOT_DONE + "|" + value, new SystemRequestDetails());
		log.debug("reminder for Appointment/{} not planned: {}", idPart, reason.code());
	}

	private CommunicationRequest existingRequest(String idPart) {
		SearchParameterMap map = SearchParameterMap.newSynchronous()
				.add("identifier", new TokenParam(Canonicals.SID_REMINDER, identifierValue(idPart)));
		List<IBaseResource> found = daos.getResourceDao(CommunicationRequest.class)
				.search(map, new SystemRequestDetails()).getAllResources();
		return found.isEmpty() ? null : (CommunicationRequest) found.get(0);
	}

	/** The patient's own preferences; those of their golden record when they have none. */
	private List<ContactPreference> preferences(Patient patient) {
		List<ContactPreference> own = PatientEngagement.getContactPreferences(patient);
		if (!own.isEmpty()) {
			return own;
		}
		return golden(patient).map(PatientEngagement::getContactPreferences).orElse(List.of());
	}

	private List<ContactPoint> telecom(Patient patient) {
		List<ContactPoint> points = new ArrayList<>(patient.getTelecom());
		golden(patient).ifPresent(g -> points.addAll(g.getTelecom()));
		return points;
	}

	private static String language(Patient patient) {
		return patient.getCommunication().stream()
				.filter(Patient.PatientCommunicationComponent::getPreferred)
				.map(c -> c.getLanguage().getCodingFirstRep().getCode())
				.filter(Objects::nonNull)
				.findFirst()
				.orElse(null);
	}

	private Optional<Patient> golden(Patient patient) {
		return index.goldenOf("Patient/" + patient.getIdElement().getIdPart())
				.map(g -> read(Patient.class, g));
	}

	/** Contact Consents of the person: the Patient, its golden record and the golden record's sources. */
	@SuppressWarnings("unchecked")
	private List<Consent> consents(String patientId) {
		Set<String> person = new LinkedHashSet<>();
		person.add(patientId);
		index.goldenOf(patientId).ifPresent(g -> {
			person.add(g);
			person.addAll(index.sourcesOf(g));
		});
		ReferenceOrListParam patients = new ReferenceOrListParam();
		person.forEach(p -> patients.addOr(new ReferenceParam(p)));
		SearchParameterMap map = SearchParameterMap.newSynchronous().add("patient", patients);
		return (List<Consent>) (List<?>) daos.getResourceDao(Consent.class).search(map, new SystemRequestDetails())
				.getAllResources();
	}

	@SuppressWarnings("unchecked")
	private <T extends IBaseResource> T read(Class<T> type, String id) {
		try {
			return daos.getResourceDao(type).read(new IdType(id), new SystemRequestDetails());
		}
		catch (ResourceNotFoundException | ResourceGoneException e) {
			return null;
		}
	}
}
