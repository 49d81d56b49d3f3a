package dev.patient360.hub.identity;

import static dev.patient360.hub.identity.PatientMatchingCohortIT.part;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;

import dev.patient360.hub.testsupport.HubIntegrationTest;
import org.awaitility.Awaitility;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Patients stored without the index (written by the hub itself, below the FHIR API, as a database
 * from before the index would hold them) are linked by {@code Patient/$mdm-submit} in batches with
 * visible progress.
 */
class PatientIndexBatchIT extends HubIntegrationTest {

	static final int PERSONS = 500;

	@Autowired
	IFhirSystemDao<Bundle, ?> systemDao;

	@Test
	void thousandUnindexedPatientsAreLinkedInABatchWithVisibleProgress() {
		Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> !"RUNNING".equals(status().get("state")));
		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		for (int i = 0; i < PERSONS; i++) {
			for (String source : List.of("clinic-a", "clinic-b")) {
				Patient p = PatientIndexStewardshipIT.patient(source, "Batch" + name(i), "Vorname" + name(i),
						java.time.LocalDate.of(1930, 1, 1).plusDays(i * 37L).toString(), String.format("%05d", i), "B" + i);
				transaction.addEntry().setResource(p).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
			}
		}
		Bundle response = systemDao.transaction(new SystemRequestDetails(), transaction);
		Map<String, Integer> personOf = new HashMap<>();
		for (int i = 0; i < response.getEntry().size(); i++) {
			String id = response.getEntry().get(i).getResponse().getLocation();
			personOf.put("Patient/" + new org.hl7.fhir.r4.model.IdType(id).getIdPart(), i / 2);
		}
		assertThat(links(personOf.keySet().iterator().next())).as("not indexed on a system write").isEmpty();

		Map<String, String> started = submit();
		assertThat(started.get("state")).isEqualTo("RUNNING");
		List<Long> progress = new ArrayList<>();
		Awaitility.await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200)).until(() -> {
			Map<String, String> s = status();
			progress.add(Long.parseLong(s.get("processed")));
			return "COMPLETED".equals(s.get("state"));
		});
		Map<String, String> done = status();
		assertThat(Long.parseLong(done.get("linked"))).isGreaterThanOrEqualTo(2L * PERSONS);
		assertThat(Long.parseLong(done.get("processed"))).isEqualTo(Long.parseLong(done.get("total")));
		assertThat(progress.stream().distinct().count()).as("progress seen between start and end: " + progress)
				.isGreaterThan(1);

		Map<Integer, String> goldenOfPerson = new HashMap<>();
		for (Map.Entry<String, Integer> e : personOf.entrySet()) {
			List<String> golden = links(e.getKey());
			assertThat(golden).hasSize(1);
			String previous = goldenOfPerson.putIfAbsent(e.getValue(), golden.get(0));
			assertThat(previous == null || previous.equals(golden.get(0))).as("both records of a person share a golden record").isTrue();
		}
		assertThat(goldenOfPerson.values().stream().distinct().count()).isEqualTo(PERSONS);
	}

	private static String name(int i) {
		// Letters only (digits are dropped by normalisation); distinct per person.
		return "" + (char) ('a' + i % 26) + (char) ('a' + (i / 26) % 26) + "x";
	}

	private List<String> links(String source) {
		Parameters in = new Parameters();
		in.addParameter("resourceId", source);
		in.addParameter("matchResult", "MATCH");
		return client().operation().onType(Patient.class).named("$mdm-query-links").withParameters(in).useHttpGet()
				.execute().getParameter().stream().map(l -> part(l, "goldenResourceId")).toList();
	}

	private Map<String, String> submit() {
		return map(client().operation().onType(Patient.class).named("$mdm-submit").withNoParameters(Parameters.class)
				.execute());
	}

	private Map<String, String> status() {
		return map(client().operation().onType(Patient.class).named("$mdm-submit").withNoParameters(Parameters.class)
				.useHttpGet().execute());
	}

	private static Map<String, String> map(Parameters p) {
		Map<String, String> out = new HashMap<>();
		p.getParameter().forEach(x -> out.put(x.getName(), x.getValue().primitiveValue()));
		return out;
	}
}
