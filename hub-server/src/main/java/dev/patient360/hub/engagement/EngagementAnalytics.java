package dev.patient360.hub.engagement;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import dev.patient360.profiles.Codes.ContactPurpose;
import dev.patient360.profiles.Codes.DeliveryStatus;
import dev.patient360.profiles.CommunicationTracking;
import dev.patient360.profiles.PatientEngagement;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;

/**
 * The population view of the closed loop (docs/engagement.md, "Analytics"): of the messages sent in
 * a period, how many were delivered, opened, clicked and replied to, per channel, purpose and the
 * recipient's segment; and of the appointments in the period that took place or were missed, the
 * no-show rate with and without an appointment reminder sent.
 */
class EngagementAnalytics {

	static final String NO_SEGMENT = "none";

	/** Counts of one group; rates are counts over {@code sent}, four decimals, null when nothing was sent. */
	record Figures(String key, int sent, int delivered, int opened, int clicked, int replied, int responded,
			BigDecimal deliveredRate, BigDecimal openedRate, BigDecimal clickedRate, BigDecimal repliedRate,
			BigDecimal responseRate) {
	}

	record NoShows(int appointments, int noShows, BigDecimal noShowRate) {
	}

	record Report(LocalDate from, LocalDate to, String timeZone, Figures total, List<Figures> byChannel,
			List<Figures> byPurpose, List<Figures> bySegment, NoShows withReminder, NoShows withoutReminder) {
	}

	private final DaoRegistry daos;
	private final ZoneId zone;

	EngagementAnalytics(DaoRegistry daos, ZoneId zone) {
		this.daos = daos;
		this.zone = zone;
	}

	/** @param from first day, @param to last day (both inclusive, in the configured time zone) */
	Report report(LocalDate from, LocalDate to) {
		Instant start = from.atStartOfDay(zone).toInstant();
		Instant end = to.plusDays(1).atStartOfDay(zone).toInstant();
		DateRangeParam period = new DateRangeParam(new DateParam(ParamPrefixEnum.GREATERTHAN_OR_EQUALS, Date.from(start)),
				new DateParam(ParamPrefixEnum.LESSTHAN, Date.from(end)));

		List<Communication> sent = new ArrayList<>();
		for (IBaseResource r : search(Communication.class, SearchParameterMap.newSynchronous()
				.add(Communication.SP_SENT, period)
				.add(Communication.SP_STATUS, new TokenParam("completed")))) {
			sent.add((Communication) r);
		}
		Map<String, List<String>> segments = segmentsOf(sent);

		Figures total = figures("all", sent);
		List<Figures> byChannel = group(sent, c -> List.of(code(c.getMediumFirstRep().getCodingFirstRep())));
		List<Figures> byPurpose = group(sent, c -> List.of(code(c.getCategoryFirstRep().getCodingFirstRep())));
		List<Figures> bySegment = group(sent, c -> segments.getOrDefault(c.getSubject().getReference(), List.of(NO_SEGMENT)));

		Set<String> reminded = remindedAppointments(end);
		int[] with = new int[2];
		int[] without = new int[2];
		for (IBaseResource r : search(Appointment.class, SearchParameterMap.newSynchronous()
				.add(Appointment.SP_DATE, period)
				.add(Appointment.SP_STATUS, new TokenOrListParam().add("noshow").add("fulfilled").add("arrived")
						.add("checked-in")))) {
			Appointment a = (Appointment) r;
			int[] bucket = reminded.contains(a.getIdElement().getIdPart()) ? with : without;
			bucket[0]++;
			if (a.getStatus() == Appointment.AppointmentStatus.NOSHOW) {
				bucket[1]++;
			}
		}
		return new Report(from, to, zone.getId(), total, byChannel, byPurpose, bySegment,
				new NoShows(with[0], with[1], rate(with[1], with[0])),
				new NoShows(without[0], without[1], rate(without[1], without[0])));
	}

	/** Appointments an appointment reminder was sent for (a completed Communication about them). */
	private Set<String> remindedAppointments(Instant end) {
		Set<String> ids = new HashSet<>();
		for (IBaseResource r : search(Communication.class, SearchParameterMap.newSynchronous()
				.add(Communication.SP_CATEGORY, new TokenParam(ContactPurpose.APPOINTMENT_REMINDER.system(),
						ContactPurpose.APPOINTMENT_REMINDER.code()))
				.add(Communication.SP_STATUS, new TokenParam("completed"))
				.add(Communication.SP_SENT, new DateParam(ParamPrefixEnum.LESSTHAN, Date.from(end))))) {
			for (Reference about : ((Communication) r).getAbout()) {
				if ("Appointment".equals(about.getReferenceElement().getResourceType())) {
					ids.add(about.getReferenceElement().getIdPart());
				}
			}
		}
		return ids;
	}

	private Map<String, List<String>> segmentsOf(List<Communication> sent) {
		Set<String> ids = new HashSet<>();
		sent.forEach(c -> {
			if ("Patient".equals(c.getSubject().getReferenceElement().getResourceType())) {
				ids.add(c.getSubject().getReferenceElement().getIdPart());
			}
		});
		Map<String, List<String>> out = new HashMap<>();
		if (ids.isEmpty()) {
			return out;
		}
		TokenOrListParam idParam = new TokenOrListParam();
		ids.forEach(idParam::add);
		for (IBaseResource r : search(Patient.class, SearchParameterMap.newSynchronous().add("_id", idParam))) {
			List<String> codes = PatientEngagement.getSegments((Patient) r).stream().map(Coding::getCode).toList();
			out.put("Patient/" + r.getIdElement().getIdPart(), codes.isEmpty() ? List.of(NO_SEGMENT) : codes);
		}
		return out;
	}

	private static List<Figures> group(List<Communication> sent, Function<Communication, List<String>> keys) {
		Map<String, List<Communication>> groups = new TreeMap<>();
		for (Communication c : sent) {
			for (String key : keys.apply(c)) {
				groups.computeIfAbsent(key, k -> new ArrayList<>()).add(c);
			}
		}
		return groups.entrySet().stream().map(e -> figures(e.getKey(), e.getValue())).toList();
	}

	private static Figures figures(String key, List<Communication> communications) {
		int delivered = 0;
		int opened = 0;
		int clicked = 0;
		int replied = 0;
		int responded = 0;
		for (Communication c : communications) {
			CommunicationTracking t = CommunicationTracking.get(c);
			if (t == null) {
				continue;
			}
			delivered += t.status() == DeliveryStatus.DELIVERED || t.delivered() != null ? 1 : 0;
			opened += t.opened() != null ? 1 : 0;
			clicked += t.clicked() != null ? 1 : 0;
			replied += t.replied() != null ? 1 : 0;
			responded += t.responded() ? 1 : 0;
		}
		int sent = communications.size();
		return new Figures(key, sent, delivered, opened, clicked, replied, responded, rate(delivered, sent),
				rate(opened, sent), rate(clicked, sent), rate(replied, sent), rate(responded, sent));
	}

	private static String code(Coding coding) {
		return coding.hasCode() ? coding.getCode() : "unknown";
	}

	static BigDecimal rate(int count, int of) {
		return of == 0 ? null : BigDecimal.valueOf(count).divide(BigDecimal.valueOf(of), 4, RoundingMode.HALF_UP);
	}

	private List<IBaseResource> search(Class<? extends IBaseResource> type, SearchParameterMap map) {
		return daos.getResourceDao(type).search(map, new SystemRequestDetails()).getAllResources();
	}
}
