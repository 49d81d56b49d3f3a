package dev.patient360.hub.testsupport;

import dev.patient360.hub.HubApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the integration tests that run against the hub on the shared test PostgreSQL. All
 * subclasses share one Spring context (same configuration), so HAPI boots once per test JVM.
 *
 * <p>Security is disabled here ({@code hub.security.mode=disabled}): these tests are about FHIR
 * behaviour, not access control, and call without tokens. Tests of who may do what extend
 * {@link SecuredHubIntegrationTest}, which runs against a real Keycloak.
 *
 * <p>The hub's clock is a {@link TestClock} (reminder timing), and link tracking signs with
 * {@link TestClock#TRACKING_SECRET}.
 */
@SpringBootTest(classes = HubApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = {"hub.security.mode=disabled", "hub.engagement.tracking.secret=" + TestClock.TRACKING_SECRET})
@Import(TestClock.Config.class)
public abstract class HubIntegrationTest extends HubHttpSupport {

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		TestDatabase db = TestDatabase.get();
		registry.add("hub.db.url", db::jdbcUrl);
		registry.add("hub.db.user", db::user);
	}
}
