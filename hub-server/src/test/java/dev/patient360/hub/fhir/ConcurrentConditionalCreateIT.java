package dev.patient360.hub.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.patient360.hub.testsupport.HubIntegrationTest;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/** Sources retry and run in parallel; the same conditional create racing with itself must store one resource. */
class ConcurrentConditionalCreateIT extends HubIntegrationTest {

	private static final int CLIENTS = 8;

	@Test
	void eightParallelIdenticalConditionalCreatesStoreExactlyOneResourceAndNo5xx() throws Exception {
		String mrn = UUID.randomUUID().toString();
		Patient p = new Patient();
		p.addIdentifier().setSystem("urn:test:race").setValue(mrn);
		p.addName().setFamily("Rennen");
		String body = json(p);
		String condition = "identifier=urn:test:race|" + mrn;

		ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<HttpResponse<String>>> calls = new ArrayList<>();
		for (int i = 0; i < CLIENTS; i++) {
			calls.add(pool.submit(() -> {
				start.await();
				return http("POST", "/Patient", body, "If-None-Exist", condition);
			}));
		}
		start.countDown();
		List<Integer> statuses = new ArrayList<>();
		List<String> locations = new ArrayList<>();
		for (Future<HttpResponse<String>> call : calls) {
			HttpResponse<String> r = call.get();
			statuses.add(r.statusCode());
			r.headers().firstValue("Location").ifPresent(l -> locations.add(l.replaceAll("/_history/.*", "")));
		}
		pool.shutdown();

		assertThat(statuses).allSatisfy(s -> assertThat(s).isIn(200, 201));
		assertThat(statuses).containsOnlyOnce(201);
		assertThat(locations).hasSize(CLIENTS).containsOnly(locations.get(0));
		Bundle found = parse(Bundle.class, http("GET", "/Patient?identifier=urn:test:race|" + mrn, null).body());
		assertThat(found.getEntry()).hasSize(1);
	}
}
