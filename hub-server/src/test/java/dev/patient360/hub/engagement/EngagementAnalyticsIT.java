package dev.patient360.hub.engagement;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patient360.hub.testsupport.SecuredHubIntegrationTest;
import dev.patient360.hub.testsupport.Tokens;
import dev.patient360.profiles.Codes.ContactChannel;
import dev.patient360.profiles.Codes.ContactPurpose;
import dev.patient360.profiles.Codes.DeliveryStatus;
import dev.patient360.profiles.Codes.Segment;
import dev.patient360.profiles.CommunicationTracking;
import dev.patient360.profiles.PatientEngagement;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The population analytics over a small known data set in February 2017 (no other test writes
 * there), asked for with real Keycloak tokens; and the tracked-link endpoints passing the secured
 * filter chain without a token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EngagementAnalyticsIT extends SecuredHubIntegrationTest {

	static final String PERIOD = "/api/engagement/analytics?from=2017-02-01&to=2017-02-28";
	static final ObjectMapper JSON = new ObjectMapper();

	@Autowired
	TrackedLinks links;

	@BeforeAll
	void aKnownMonth() {
		String chronic = patient(Segment.CHRONIC_CARE);
		String preventive = patient(Segment.PREVENTIVE);
		String none = patient(null);

		String a1 = appointment(chronic, "2017-02-10T09:00:00Z", Appointment.AppointmentStatus.FULFILLED);
		String a2 = appointment(preventive, "2017-02-11T09:00:00Z", Appointment.AppointmentStatus.NOSHOW);
		appointment(none, "2017-02-12T09:00:00Z", Appointment.AppointmentStatus.NOSHOW);
		appointment(chronic, "2017-02-13T09:00:00Z", Appointment.AppointmentStatus.FULFILLED);
		appointment(preventive, "2017-02-14T09:00:00Z", Appointment.AppointmentStatus.FULFILLED);
		appointment(none, "2017-02-15T09:00:00Z", Appointment.AppointmentStatus.CANCELLED);
		appointment(none, "2017-03-01T09:00:00Z", Appointment.AppointmentStatus.NOSHOW);

		communication(chronic, a1, ContactPurpose.APPOINTMENT_REMINDER, ContactChannel.SMS, "2017-02-09T09:00:00Z",
				Communication.CommunicationStatus.COMPLETED,
				new CommunicationTracking(DeliveryStatus.DELIVERED, at("2017-02-09T09:00:05Z"), at("2017-02-09T09:10:00Z"),
						at("2017-02-09T09:11:00Z"), null));
		communication(preventive, a2, ContactPurpose.APPOINTMENT_REMINDER, ContactChannel.SMS, "2017-02-10T09:00:00Z",
				Communication.CommunicationStatus.COMPLETED,
				new CommunicationTracking(DeliveryStatus.DELIVERED, at("2017-02-10T09:00:05Z"), null, null, null));
		communication(chronic, null, ContactPurpose.CARE_INFORMATION, ContactChannel.EMAIL, "2017-02-20T12:00:00Z",
				Communication.CommunicationStatus.COMPLETED,
				new CommunicationTracking(DeliveryStatus.DELIVERED, at("2017-02-20T12:00:02Z"), at("2017-02-20T18:00:00Z"),
						null, at("2017-02-21T08:00:00Z")));
		communication(none, null, ContactPurpose.SURVEY, ContactChannel.EMAIL, "2017-02-25T12:00:00Z",
				Communication.CommunicationStatus.COMPLETED, new CommunicationTracking(DeliveryStatus.BOUNCED, null, null, null, null));
		communication(none, null, ContactPurpose.MARKETING, ContactChannel.SMS, "2017-02-25T12:00:00Z",
				Communication.CommunicationStatus.NOTDONE, null);
		communication(preventive, null, ContactPurpose.SURVEY, ContactChannel.SMS, "2017-01-31T12:00:00Z",
				Communication.CommunicationStatus.COMPLETED, new CommunicationTracking(DeliveryStatus.DELIVERED,
						at("2017-01-31T12:00:02Z"), at("2017-01-31T13:00:00Z"), null, null));
	}

	@Test
	void anAdminGetsResponseRatesPerChannelPurposeAndSegmentAndNoShowRatesWithAndWithoutReminder() throws Exception {
		HttpResponse<String> answer = root(PERIOD, "demo-admin");

		assertThat(answer.statusCode()).isEqualTo(200);
		JsonNode report = JSON.readTree(answer.body());
		assertThat(report.path("timeZone").asText()).isEqualTo("Europe/Berlin");
		assertFigures(report.path("total"), "all", 4, 3, 2, 1, 1, 2);
		assertThat(report.path("total").path("responseRate").decimalValue()).isEqualByComparingTo("0.5000");
		assertThat(report.path("total").path("deliveredRate").decimalValue()).isEqualByComparingTo("0.7500");

		assertThat(report.path("byChannel")).hasSize(2);
		assertFigures(report.path("byChannel").get(0), "email", 2, 1, 1, 0, 1, 1);
		assertFigures(report.path("byChannel").get(1), "sms", 2, 2, 1, 1, 0, 1);

		assertThat(report.path("byPurpose")).hasSize(3);
		assertFigures(report.path("byPurpose").get(0), "appointment-reminder", 2, 2, 1, 1, 0, 1);
		assertFigures(report.path("byPurpose").get(1), "care-information", 1, 1, 1, 0, 1, 1);
		assertFigures(report.path("byPurpose").get(2), "survey", 1, 0, 0, 0, 0, 0);
		assertThat(report.path("byPurpose").get(2).path("openedRate").decimalValue()).isEqualByComparingTo("0");

		// The segments are the engine's, recomputed after each Appointment and Communication write: these
		// patients were first seen today (new) and have no active Coverage (at-risk-of-churn), whatever
		// the test wrote on them at first.
		assertThat(report.path("bySegment")).hasSize(2);
		assertFigures(report.path("bySegment").get(0), "at-risk-of-churn", 4, 3, 2, 1, 1, 2);
		assertFigures(report.path("bySegment").get(1), "new", 4, 3, 2, 1, 1, 2);

		assertThat(report.path("withReminder").path("appointments").asInt()).isEqualTo(2);
		assertThat(report.path("withReminder").path("noShows").asInt()).isEqualTo(1);
		assertThat(report.path("withReminder").path("noShowRate").decimalValue()).isEqualByComparingTo("0.5000");
		assertThat(report.path("withoutReminder").path("appointments").asInt()).isEqualTo(3);
		assertThat(report.path("withoutReminder").path("noShows").asInt()).isEqualTo(1);
		assertThat(report.path("withoutReminder").path("noShowRate").decimalValue()).isEqualByComparingTo("0.3333");
	}

	@Test
	void anAuditorMayReadTheAnalyticsAndTheyHoldNoPatientData() throws Exception {
		HttpResponse<String> answer = root(PERIOD, "demo-auditor");

		assertThat(answer.statusCode()).isEqualTo(200);
		assertThat(answer.body()).doesNotContain("Patient/", "Analytics-");
	}

	@Test
	void clinicsEngineersAndCallersWithoutTokenMayNot() {
		assertThat(root(PERIOD, "demo-clinic").statusCode()).isEqualTo(403);
		assertThat(root(PERIOD, "demo-engineer").statusCode()).isEqualTo(403);
		assertThat(root(PERIOD, "demo-clinic").body()).contains("HUB-2005");
		assertThat(root(PERIOD, null).statusCode()).isEqualTo(401);
	}

	@Test
	void aMissingOrReversedPeriodIsABadRequestWithItsCode() {
		for (String query : List.of("", "?from=2017-02-01", "?from=2017-02-30&to=2017-03-01", "?from=2017-03-01&to=2017-02-01",
				"?from=2015-01-01&to=2017-01-01")) {
			HttpResponse<String> answer = root("/api/engagement/analytics" + query, "demo-admin");
			assertThat(answer.statusCode()).as(query).isEqualTo(400);
			assertThat(answer.body()).as(query).contains("OperationOutcome", "HUB-6025");
		}
	}

	@Test
	void trackedLinksArePublicAndAForgedOneIsNotFound() {
		String token = links.token("9999999");

		assertThat(root("/t/" + token, null).statusCode()).isEqualTo(302);
		assertThat(root("/t/" + token + "/o.gif", null).statusCode()).isEqualTo(200);
		HttpResponse<String> forged = root("/t/9999998" + token.substring(token.indexOf('.')), null);
		assertThat(forged.statusCode()).isEqualTo(404);
		assertThat(forged.body()).isEmpty();
	}

	/** A GET outside /fhir, as this demo client ({@code null}: without a token). */
	private HttpResponse<String> root(String path, String clientId) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
		if (clientId != null) {
			request.header("Authorization", "Bearer " + Tokens.forClient(clientId));
		}
		return send(request.build());
	}

	private static void assertFigures(JsonNode f, String key, int sent, int delivered, int opened, int clicked,
			int replied, int responded) {
		assertThat(f.path("key").asText()).isEqualTo(key);
		assertThat(List.of(f.path("sent").asInt(), f.path("delivered").asInt(), f.path("opened").asInt(),
				f.path("clicked").asInt(), f.path("replied").asInt(), f.path("responded").asInt()))
				.as(key)
				.containsExactly(sent, delivered, opened, clicked, replied, responded);
	}

	private String patient(Segment segment) {
		Patient p = new Patient();
		p.addName(new HumanName().setFamily("Analytics-" + (segment == null ? "none" : segment.code())).addGiven("Jo"));
		if (segment != null) {
			PatientEngagement.setSegments(p, List.of(segment.coding()));
		}
		return admin().create().resource(p).execute().getId().toUnqualifiedVersionless().getValue();
	}

	private String appointment(String patient, String start, Appointment.AppointmentStatus status) {
		Appointment a = new Appointment();
		a.setStatus(status);
		a.setStart(at(start));
		a.setEnd(Date.from(Instant.parse(start).plusSeconds(1800)));
		a.addParticipant().setActor(new Reference(patient)).setStatus(Appointment.ParticipationStatus.ACCEPTED);
		return admin().create().resource(a).execute().getId().toUnqualifiedVersionless().getValue();
	}

	private void communication(String patient, String appointment, ContactPurpose purpose, ContactChannel channel,
			String sent, Communication.CommunicationStatus status, CommunicationTracking tracking) {
		Communication c = new Communication();
		c.setStatus(status);
		c.addCategory(purpose.concept());
		c.addMedium(channel.concept());
		c.setSubject(new Reference(patient));
		c.addRecipient(new Reference(patient));
		if (appointment != null) {
			c.addAbout(new Reference(appointment));
		}
		c.setSent(at(sent));
		if (tracking != null) {
			tracking.set(c);
		}
		admin().create().resource(c).execute();
	}

	private static Date at(String instant) {
		return Date.from(Instant.parse(instant));
	}
}
