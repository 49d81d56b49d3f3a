package dev.patient360.hub.authorization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import dev.patient360.hub.identity.PatientIndex;
import dev.patient360.profiles.Canonicals;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Parameters;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Who may call {@code $engagement-summary} and {@code $engagement-recompute}, and what the segment
 * Groups show, with real Keycloak tokens of the demo clients: patient A consented to disclosure to
 * both clinics, B only to demo-clinic.
 */
class EngagementAccessIT extends AuthorizationFixtureIT {

	private static volatile boolean recomputed;

	@Autowired
	PatientIndex index;

	/** The fixtures are stored by the hub itself (no trigger): the catch-up gives them segments and Groups. */
	@BeforeEach
	void recomputeOnce() {
		if (recomputed) {
			return;
		}
		await().atMost(Duration.ofMinutes(3)).until(() -> !"RUNNING".equals(catchUpState()));
		HttpResponse<String> started = as("demo-admin", "POST", "/$engagement-recompute", null, "Accept", "application/fhir+json");
		assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
		await().atMost(Duration.ofMinutes(3)).until(() -> "COMPLETED".equals(catchUpState()));
		await().atMost(Duration.ofMinutes(1)).until(() -> newSegmentGroup() != null
				&& members(newSegmentGroup()).containsAll(List.of(member(PATIENT_A), member(PATIENT_B))));
		recomputed = true;
	}

	@Test
	void aPatientGetsItsOwnSummaryAndNobodyElses() {
		HttpResponse<String> own = get("demo-patient-a", "/Patient/" + PATIENT_A + "/$engagement-summary");
		assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
		Parameters summary = parse(Parameters.class, own.body());
		assertThat(summary.getParameters("segment")).extracting(p -> ((Coding) p.getValue()).getCode()).contains("new");
		assertThat(summary.getParameters("source")).extracting(p -> ((Coding) p.getValue()).getCode()).containsExactly("demo-ehr");

		HttpResponse<String> other = get("demo-patient-a", "/Patient/" + PATIENT_B + "/$engagement-summary");
		assertThat(other.statusCode()).isEqualTo(404);
		assertNothingOfB("patient A asking for B's summary", other);
	}

	@Test
	void aClinicGetsTheSummaryOnlyOfPatientsWhoConsentedToIt() {
		assertThat(get("demo-clinic-2", "/Patient/" + PATIENT_A + "/$engagement-summary").statusCode()).isEqualTo(200);
		HttpResponse<String> refused = get("demo-clinic-2", "/Patient/" + PATIENT_B + "/$engagement-summary");
		assertThat(refused.statusCode()).isEqualTo(404);
		assertNothingOfB("demo-clinic-2 asking for B's summary", refused);
		assertThat(get("demo-clinic", "/Patient/" + PATIENT_B + "/$engagement-summary").statusCode()).isEqualTo(200);
	}

	@Test
	void anAdministratorGetsAnySummaryAndASourceSystemNone() {
		assertThat(get("demo-admin", "/Patient/" + PATIENT_B + "/$engagement-summary").statusCode()).isEqualTo(200);
		assertThat(get("demo-ehr", "/Patient/" + PATIENT_A + "/$engagement-summary").statusCode()).isEqualTo(403);
	}

	@Test
	void onlyAnAdministratorStartsOrWatchesTheCatchUp() {
		for (String client : List.of("demo-clinic", "demo-patient-a", "demo-ehr", "demo-engineer")) {
			assertThat(as(client, "POST", "/$engagement-recompute", null, "Accept", "application/fhir+json").statusCode())
					.as(client).isEqualTo(403);
		}
	}

	@Test
	void aSegmentGroupWithMembersTheCallerMayNotSeeDoesNotReachIt() {
		String groupId = newSegmentGroup().getIdElement().toUnqualifiedVersionless().getValue();
		String search = "/Group?identifier=" + Canonicals.SID_SEGMENT_GROUP + "|new";

		HttpResponse<String> patientRead = get("demo-patient-a", "/" + groupId);
		assertThat(patientRead.statusCode()).isEqualTo(404);
		assertNothingOfB("patient A reading the segment Group", patientRead);
		HttpResponse<String> patientSearch = get("demo-patient-a", search);
		assertNothingOfB("patient A searching segment Groups", patientSearch);
		assertThat(parse(Bundle.class, patientSearch.body()).getEntry()).isEmpty();
		HttpResponse<String> bySelf = get("demo-patient-a", "/Group?member=Patient/" + PATIENT_A);
		assertNothingOfB("patient A searching Groups by its own membership", bySelf);

		for (String clinic : List.of("demo-clinic", "demo-clinic-2")) {
			assertNothingOfB(clinic + " reading the segment Group", get(clinic, "/" + groupId));
			assertNothingOfB(clinic + " searching segment Groups", get(clinic, search));
		}
		HttpResponse<String> admin = get("demo-admin", "/" + groupId);
		assertThat(admin.statusCode()).isEqualTo(200);
		assertThat(members(parse(Group.class, admin.body()))).contains(member(PATIENT_A), member(PATIENT_B));
	}

	/** A Group lists the person's golden record when another test had the index link the fixtures, else the Patient. */
	private String member(String patient) {
		return index.goldenOf("Patient/" + patient).orElse("Patient/" + patient);
	}

	private String catchUpState() {
		HttpResponse<String> status = as("demo-admin", "GET", "/$engagement-recompute", null, "Accept", "application/fhir+json");
		assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
		return parse(Parameters.class, status.body()).getParameter("state").getValue().primitiveValue();
	}

	private Group newSegmentGroup() {
		HttpResponse<String> found = get("demo-admin", "/Group?identifier=" + Canonicals.SID_SEGMENT_GROUP + "|new");
		assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
		Bundle bundle = parse(Bundle.class, found.body());
		return bundle.getEntry().isEmpty() ? null : (Group) bundle.getEntryFirstRep().getResource();
	}

	private static List<String> members(Group group) {
		return group.getMember().stream().filter(m -> !m.getInactive()).map(m -> m.getEntity().getReference()).toList();
	}
}
