package dev.patient360.hub.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.patient360.hub.testsupport.HubIntegrationTest;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/**
 * Matching locks per blocking key, not globally: writes of the same new person, sent at the same
 * moment over separate connections, must still end up with one golden record, and different people
 * written at the same moment with one each.
 */
class PatientIndexConcurrencyIT extends HubIntegrationTest {

	private static final int PERSONS = 6;
	private static final int SOURCES = 3;

	@Test
	void concurrentWritesOfTheSamePersonFromThreeSourcesMakeOneGoldenRecord() throws Exception {
		List<String[]> records = new ArrayList<>();
		for (int p = 0; p < PERSONS; p++) {
			records.add(new String[SOURCES]);
		}
		ExecutorService pool = Executors.newFixedThreadPool(PERSONS * SOURCES);
		CountDownLatch start = new CountDownLatch(1);
		try {
			List<Future<?>> writes = new ArrayList<>();
			for (int p = 0; p < PERSONS; p++) {
				for (int s = 0; s < SOURCES; s++) {
					int person = p;
					int source = s;
					writes.add(pool.submit(() -> {
						start.await();
						String system = List.of("clinic-a", "clinic-b", "insurer-c").get(source);
						Patient patient = PatientIndexStewardshipIT.patient(system, "Gleichzeitig",
								List.of("Anna", "Bruno", "Cäcilie", "Dieter", "Erika", "Fritz").get(person),
								(1940 + 7 * person) + "-0" + (1 + person) + "-1" + person, "0106" + person,
								"CONC-" + person + "-" + source);
						HttpResponse<String> created = http("POST", "/Patient", json(patient));
						assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
						records.get(person)[source] = parse(Patient.class, created.body()).getIdElement()
								.toUnqualifiedVersionless().getValue();
						return null;
					}));
				}
			}
			start.countDown();
			for (Future<?> write : writes) {
				write.get(120, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		Set<String> goldens = new HashSet<>();
		for (String[] person : records) {
			Set<String> ofPerson = new HashSet<>();
			for (String record : person) {
				ofPerson.add(goldenOf(record));
			}
			assertThat(ofPerson).as("golden records of one person written concurrently by three sources").hasSize(1);
			goldens.addAll(ofPerson);
		}
		assertThat(goldens).as("one golden record per person").hasSize(PERSONS);
	}

	private String goldenOf(String source) {
		HttpResponse<String> answer = http("GET", "/Patient/$mdm-query-links?matchResult=MATCH&resourceId=" + source, null);
		assertThat(answer.statusCode()).isEqualTo(200);
		org.hl7.fhir.r4.model.Parameters links = parse(org.hl7.fhir.r4.model.Parameters.class, answer.body());
		assertThat(links.getParameter()).hasSize(1);
		return PatientMatchingCohortIT.part(links.getParameter().get(0), "goldenResourceId");
	}
}
