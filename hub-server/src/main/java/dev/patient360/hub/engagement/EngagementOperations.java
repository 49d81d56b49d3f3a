package dev.patient360.hub.engagement;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import ca.uhn.fhir.rest.param.ReferenceOrListParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import dev.patient360.hub.fhir.HubOperationProvider;
import dev.patient360.profiles.Canonicals;
import dev.patient360.profiles.Codes.ContactChannel;
import dev.patient360.profiles.Codes.ContactPurpose;
import dev.patient360.profiles.Codes.JourneyStage;
import dev.patient360.profiles.CommunicationTracking;
import dev.patient360.profiles.ConsentCodes;
import dev.patient360.profiles.PatientEngagement;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.CommunicationRequest;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;

/**
 * The engine's FHIR operations: {@code Patient/{id}/$engagement-summary} (the IG's
 * OperationDefinition) and {@code $engagement-recompute} (the catch-up batch; POST starts, GET
 * reports). The summary reads everything with the caller's request, so the hub's consent rules
 * decide what it contains exactly as for a read or search by the same caller: a Patient the caller
 * may not see is answered as unknown (404), resources the caller may not see are left out.
 */
class EngagementOperations implements HubOperationProvider {

	private final DaoRegistry daos;
	private final EngagementService service;
	private final EngagementCatchUp catchUp;
	private final Clock clock;

	EngagementOperations(DaoRegistry daos, EngagementService service, EngagementCatchUp catchUp, Clock clock) {
		this.daos = daos;
		this.service = service;
		this.catchUp = catchUp;
		this.clock = clock;
	}

	@Operation(name = "$engagement-recompute", idempotent = true)
	public Parameters recompute(RequestDetails request) {
		EngagementCatchUp.Status s = request.getRequestType() == RequestTypeEnum.GET ? catchUp.status() : catchUp.submit();
		Parameters answer = new Parameters();
		answer.addParameter("state", new CodeType(s.state()));
		if (s.rulesHash() != null) {
			answer.addParameter("rules-hash", new StringType(s.rulesHash()));
		}
		answer.addParameter("total", new IntegerType(Math.toIntExact(s.total())));
		answer.addParameter("processed", new IntegerType(Math.toIntExact(s.processed())));
		answer.addParameter("written", new IntegerType(Math.toIntExact(s.written())));
		answer.addParameter("failed", new IntegerType(Math.toIntExact(s.failed())));
		if (s.started() != null) {
			answer.addParameter("started", new InstantType(Date.from(s.started())));
		}
		if (s.finished() != null) {
			answer.addParameter("finished", new InstantType(Date.from(s.finished())));
		}
		return answer;
	}

	@Operation(name = "$engagement-summary", typeName = "Patient", idempotent = true)
	public Parameters summary(@IdParam IdType id, @OperationParam(name = "since", max = 1) DateType since,
			RequestDetails request) {
		Instant now = clock.instant();
		Date from = since == null || since.getValue() == null ? Date.from(now.minus(365, ChronoUnit.DAYS)) : since.getValue();
		String patientId = "Patient/" + id.getIdPart();
		// The caller's own read: the consent rules answer 404 for a Patient it may not see.
		Patient patient = (Patient) daos.getResourceDao(Patient.class).read(id.toUnqualifiedVersionless(), request);
		EngagementService.Evaluation evaluation = service.evaluate(patientId);
		List<String> person = evaluation.person();
		List<Patient> records = visible(Patient.class, person, request);
		List<String> visibleIds = records.stream().map(p -> p.getIdElement().toUnqualifiedVersionless().getValue()).toList();

		Parameters out = new Parameters();
		PatientEngagement.Stage stage = PatientEngagement.getStage(patient);
		if (stage != null && stage.stage() != null) {
			out.addParameter().setName("stage").setValue(stage.stage().coding());
			if (stage.since() != null) {
				out.addParameter().setName("stage-since").setValue(new DateTimeType(stage.since()));
			}
		}
		stageHistory(id, request).forEach(h -> out.addParameter().setName("stage-history")
				.addPart(new Parameters.ParametersParameterComponent().setName("stage").setValue(h.stage().coding()))
				.addPart(new Parameters.ParametersParameterComponent().setName("start").setValue(new DateTimeType(h.since()))));
		PatientEngagement.getSegments(patient).forEach(s -> out.addParameter().setName("segment").setValue(s.copy()));
		PatientEngagement.Value value = PatientEngagement.getValue(patient);
		if (value != null && value.score() != null) {
			out.addParameter().setName("value").setValue(new DecimalType(value.score()));
		}
		for (Map.Entry<String, Double> part : evaluation.valueParts().entrySet()) {
			out.addParameter().setName("value-input")
					.addPart(new Parameters.ParametersParameterComponent().setName("name").setValue(new CodeType(part.getKey())))
					.addPart(new Parameters.ParametersParameterComponent().setName("points")
							.setValue(new DecimalType(BigDecimal.valueOf(part.getValue()))));
		}
		List<Consent> consents = search(Consent.class, "patient", visibleIds, request);
		for (ContactPurpose purpose : ContactPurpose.values()) {
			PatientEngagement.ContactPreference preference = PatientEngagement.getContactPreferences(patient).stream()
					.filter(p -> p.purpose() == purpose).findFirst().orElse(null);
			Parameters.ParametersParameterComponent contact = out.addParameter().setName("contact");
			contact.addPart().setName("purpose").setValue(purpose.coding());
			ContactChannel channel = preference == null ? null : preference.channel();
			if (channel != null) {
				contact.addPart().setName("channel").setValue(channel.coding());
			}
			boolean optedOut = preference != null && preference.optedOut();
			contact.addPart().setName("allowed")
					.setValue(new BooleanType(!optedOut && contactPermitted(consents, purpose, channel, now)));
		}

		List<Communication> communications = search(Communication.class, "patient", visibleIds, request);
		int sent = 0;
		int responded = 0;
		Date lastContact = null;
		communications.sort(Comparator.comparing(Communication::getSent, Comparator.nullsLast(Comparator.reverseOrder())));
		for (Communication c : communications) {
			CommunicationTracking tracking = CommunicationTracking.get(c);
			if (c.getStatus() == Communication.CommunicationStatus.COMPLETED && c.hasSent() && !c.getSent().before(from)) {
				sent++;
				responded += tracking != null && tracking.responded() ? 1 : 0;
			}
			if (c.hasSent() && (lastContact == null || c.getSent().after(lastContact))) {
				lastContact = c.getSent();
			}
			if (!c.hasSent() || !c.getSent().before(from)) {
				Parameters.ParametersParameterComponent p = out.addParameter().setName("communication");
				p.addPart().setName("communication").setResource(c);
				if (tracking != null && tracking.status() != null) {
					p.addPart().setName("delivery-status").setValue(new CodeType(tracking.status().code()));
				}
				p.addPart().setName("responded").setValue(new BooleanType(tracking != null && tracking.responded()));
			}
		}
		out.addParameter().setName("communications-sent").setValue(new IntegerType(sent));
		out.addParameter().setName("communications-responded").setValue(new IntegerType(responded));
		if (lastContact != null) {
			out.addParameter().setName("last-contact").setValue(new DateTimeType(lastContact));
		}

		SearchParameterMap upcoming = SearchParameterMap.newSynchronous()
				.add(Appointment.SP_PATIENT, refs(visibleIds))
				.add(Appointment.SP_DATE, new DateParam(ParamPrefixEnum.GREATERTHAN_OR_EQUALS, Date.from(now)));
		search(Appointment.class, upcoming, request).stream()
				.filter(a -> a.getStatus() == Appointment.AppointmentStatus.BOOKED
						|| a.getStatus() == Appointment.AppointmentStatus.PENDING
						|| a.getStatus() == Appointment.AppointmentStatus.PROPOSED)
				.sorted(Comparator.comparing(Appointment::getStart, Comparator.nullsLast(Comparator.naturalOrder())))
				.forEach(a -> out.addParameter().setName("next-appointment").setResource(a));
		SearchParameterMap open = SearchParameterMap.newSynchronous()
				.add(CommunicationRequest.SP_PATIENT, refs(visibleIds))
				.add(CommunicationRequest.SP_STATUS, new TokenParam("active"));
		search(CommunicationRequest.class, open, request)
				.forEach(r -> out.addParameter().setName("open-reminder").setResource(r));

		Map<String, Coding> sources = new LinkedHashMap<>();
		for (Patient p : records) {
			p.getMeta().getTag().stream().filter(t -> Canonicals.CS_SOURCE_SYSTEM.equals(t.getSystem()) && t.hasCode())
					.forEach(t -> sources.putIfAbsent(t.getCode(), new Coding(t.getSystem(), t.getCode(), t.getDisplay())));
		}
		sources.values().forEach(s -> out.addParameter().setName("source").setValue(s));
		return out;
	}

	/** Each stage the Patient has been in, oldest first, from its version history. */
	private List<PatientEngagement.Stage> stageHistory(IdType id, RequestDetails request) {
		IBundleProvider history = daos.getResourceDao(Patient.class).history(id.toUnqualifiedVersionless(), null, null, null, request);
		List<IBaseResource> versions = new ArrayList<>(history.getAllResources());
		versions.removeIf(Objects::isNull);
		versions.sort(Comparator.comparing(r -> Long.parseLong(r.getIdElement().getVersionIdPart())));
		List<PatientEngagement.Stage> out = new ArrayList<>();
		JourneyStage last = null;
		for (IBaseResource r : versions) {
			PatientEngagement.Stage s = PatientEngagement.getStage((Patient) r);
			if (s != null && s.stage() != null && s.stage() != last) {
				out.add(new PatientEngagement.Stage(s.stage(), s.since() != null ? s.since()
						: ((Patient) r).getMeta().getLastUpdated(), s.source()));
				last = s.stage();
			}
		}
		return out;
	}

	/**
	 * Whether an active contact Consent permits contact for the purpose (and channel): the newest
	 * applicable one decides; a nested provision for the purpose or channel is an exception to it.
	 */
	static boolean contactPermitted(List<Consent> consents, ContactPurpose purpose, ContactChannel channel, Instant now) {
		Consent decisive = null;
		for (Consent c : consents) {
			boolean contact = c.getCategory().stream().flatMap(cc -> cc.getCoding().stream())
					.anyMatch(cd -> ConsentCodes.CATEGORY_SYSTEM.equals(cd.getSystem())
							&& ConsentCodes.CATEGORY_CONTACT.equals(cd.getCode()));
			if (!contact || c.getStatus() != Consent.ConsentState.ACTIVE || !applies(c.getProvision(), purpose, channel, now)) {
				continue;
			}
			if (decisive == null || c.getDateTime() != null && decisive.getDateTime() != null
					&& c.getDateTime().after(decisive.getDateTime())) {
				decisive = c;
			}
		}
		if (decisive == null) {
			return false;
		}
		boolean permit = decisive.getProvision().getType() != Consent.ConsentProvisionType.DENY;
		for (Consent.ProvisionComponent nested : decisive.getProvision().getProvision()) {
			if (nested.hasPurpose() && applies(nested, purpose, channel, now)) {
				permit = nested.getType() != Consent.ConsentProvisionType.DENY;
			}
		}
		return permit;
	}

	private static boolean applies(Consent.ProvisionComponent p, ContactPurpose purpose, ContactChannel channel, Instant now) {
		boolean purposeOk = !p.hasPurpose() || p.getPurpose().stream().anyMatch(purpose::matches);
		List<ContactChannel> channels = ConsentCodes.channels(p);
		boolean channelOk = channels.isEmpty() || channel == null || channels.contains(channel);
		boolean periodOk = !p.hasPeriod() || (!p.getPeriod().hasStart() || !p.getPeriod().getStart().toInstant().isAfter(now))
				&& (!p.getPeriod().hasEnd() || !p.getPeriod().getEnd().toInstant().isBefore(now));
		return purposeOk && channelOk && periodOk;
	}

	private static ReferenceOrListParam refs(List<String> ids) {
		ReferenceOrListParam refs = new ReferenceOrListParam();
		ids.forEach(i -> refs.addOr(new ReferenceParam(i)));
		return refs;
	}

	private <T extends IBaseResource> List<T> visible(Class<T> type, List<String> ids, RequestDetails request) {
		List<T> out = new ArrayList<>();
		for (String i : ids) {
			try {
				out.add(type.cast(daos.getResourceDao(type).read(new IdType(i), request)));
			}
			catch (BaseServerResponseException e) {
				// not visible to the caller (or gone): it contributes nothing to the answer
			}
		}
		return out;
	}

	private <T extends IBaseResource> List<T> search(Class<T> type, String param, List<String> ids, RequestDetails request) {
		if (ids.isEmpty()) {
			return new ArrayList<>();
		}
		return search(type, SearchParameterMap.newSynchronous().add(param, refs(ids)), request);
	}

	private <T extends IBaseResource> List<T> search(Class<T> type, SearchParameterMap map, RequestDetails request) {
		List<T> out = new ArrayList<>();
		for (IBaseResource r : daos.getResourceDao(type).search(map, request).getAllResources()) {
			if (r != null) {
				out.add(type.cast(r));
			}
		}
		return out;
	}
}
