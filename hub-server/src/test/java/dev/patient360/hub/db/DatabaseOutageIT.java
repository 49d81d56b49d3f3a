package dev.patient360.hub.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import ca.uhn.fhir.context.FhirContext;

import dev.patient360.hub.HubApplication;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The zero-setup default (embedded PostgreSQL, no database URL) and what happens when its database
 * goes away: the hub answers 503 with an OperationOutcome and recovers by itself once it is back.
 */
@SpringBootTest(classes = HubApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = {"hub.security.mode=disabled",
				"hub.engagement.tracking.secret=" + dev.patient360.hub.testsupport.TestClock.TRACKING_SECRET})
class DatabaseOutageIT {

	private static final Path DATA_DIR = tempDir();

	@DynamicPropertySource
	static void embeddedDefault(DynamicPropertyRegistry registry) {
		registry.add("hub.db.url", () -> "");
		registry.add("hub.data-dir", DATA_DIR::toString);
	}

	@LocalServerPort
	int port;

	@Autowired
	EmbeddedPostgresServer database;

	@Autowired
	FhirContext fhirContext;

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void withoutADatabaseUrlTheHubStoresIntoAnEmbeddedPostgresUnderItsDataDir() {
		HttpResponse<String> created = send("POST", "/fhir/Patient", "{\"resourceType\":\"Patient\",\"active\":true}");
		assertThat(created.statusCode()).isEqualTo(201);
		assertThat(DATA_DIR.resolve("postgres/PG_VERSION")).exists();
		assertThat(database.jdbcUrl()).startsWith("jdbc:postgresql://127.0.0.1:");
	}

	@Test
	void whileTheDatabaseIsDownRequestsGet503AndServiceResumesWhenItReturns() throws IOException {
		HttpResponse<String> created = send("POST", "/fhir/Patient",
				"{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Ausfall\"}]}");
		String id = created.headers().firstValue("Location").orElseThrow().replaceAll(".*/Patient/([^/]+)/.*", "$1");

		database.stop();
		try {
			HttpResponse<String> read = send("GET", "/fhir/Patient/" + id, null);
			assertThat(read.statusCode()).isEqualTo(503);
			assertThat(read.headers().firstValue("Retry-After")).isPresent();
			OperationOutcome outcome = fhirContext.newJsonParser().parseResource(OperationOutcome.class, read.body());
			assertThat(outcome.getIssueFirstRep().getDiagnostics()).startsWith("HUB-0503");

			HttpResponse<String> write = send("POST", "/fhir/Patient", "{\"resourceType\":\"Patient\"}");
			assertThat(write.statusCode()).isEqualTo(503);
			assertThat(send("GET", "/actuator/health/readiness", null).statusCode()).isEqualTo(503);
		}
		finally {
			database.start();
		}

		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
				.until(() -> send("GET", "/fhir/Patient/" + id, null).statusCode() == 200);
		Patient back = fhirContext.newJsonParser().parseResource(Patient.class,
				send("GET", "/fhir/Patient/" + id, null).body());
		assertThat(back.getNameFirstRep().getFamily()).isEqualTo("Ausfall");
		assertThat(send("POST", "/fhir/Patient", "{\"resourceType\":\"Patient\"}").statusCode()).isEqualTo(201);
		assertThat(send("GET", "/actuator/health/readiness", null).statusCode()).isEqualTo(200);
	}

	private HttpResponse<String> send(String method, String path, String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
				.timeout(Duration.ofSeconds(60))
				.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
		if (body != null) {
			request.header("Content-Type", "application/fhir+json");
		}
		try {
			return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(e);
		}
	}

	private static Path tempDir() {
		try {
			return Files.createTempDirectory("hub-embedded-it");
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}
}
