package dev.patient360.hub.authorization;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rough cost of consent enforcement on a read: the same Observation read by a clinic (its patient's
 * Consents are loaded: one extra query per request), by the admin (no consent lookup) and by the
 * ehr-source (tag check only). Figures go to the log for docs/security.md; the assertions are that
 * every read succeeds and that the consented read stays within a generous bound of the plain one.
 */
class ConsentedReadCostIT extends AuthorizationFixtureIT {

	private static final Logger log = LoggerFactory.getLogger(ConsentedReadCostIT.class);
	static final int READS = 200;

	@Test
	void aConsentedReadCostsAtMostOneSmallQueryMore() {
		Map<String, Double> millis = new LinkedHashMap<>();
		for (String client : new String[] {"demo-admin", "demo-ehr", "demo-clinic", "demo-admin", "demo-ehr", "demo-clinic"}) {
			for (int i = 0; i < 20; i++) {
				assertThat(get(client, "/Observation/authz-observation-a").statusCode()).isEqualTo(200);
			}
			long start = System.nanoTime();
			for (int i = 0; i < READS; i++) {
				assertThat(get(client, "/Observation/authz-observation-a").statusCode()).isEqualTo(200);
			}
			millis.put(client, (System.nanoTime() - start) / 1e6 / READS);
		}
		log.info("Mean read latency over {} reads, ms: {}", READS, millis);
		assertThat(millis.get("demo-clinic")).isLessThan(millis.get("demo-admin") * 3 + 20);
	}
}
