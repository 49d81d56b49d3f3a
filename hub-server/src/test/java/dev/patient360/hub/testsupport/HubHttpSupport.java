package dev.patient360.hub.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;

import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Ways to talk to the hub under test (HAPI's client, raw HTTP, raw socket), shared by
 * {@link HubIntegrationTest} (security disabled) and {@link SecuredHubIntegrationTest} (tokens).
 */
public abstract class HubHttpSupport {

	@LocalServerPort
	protected int port;

	@Autowired
	protected FhirContext fhirContext;

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	protected String fhirBase() {
		return "http://127.0.0.1:" + port + "/fhir";
	}

	/** HAPI's generic client on the hub, without the capability check on first use. */
	protected IGenericClient client() {
		fhirContext.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
		fhirContext.getRestfulClientFactory().setSocketTimeout(120_000);
		return fhirContext.newRestfulGenericClient(fhirBase());
	}

	protected <T extends IBaseResource> T parse(Class<T> type, String json) {
		return fhirContext.newJsonParser().parseResource(type, json);
	}

	protected String json(IBaseResource resource) {
		return fhirContext.newJsonParser().encodeResourceToString(resource);
	}

	/** A raw HTTP exchange with the hub: status, headers and body exactly as a client sees them. */
	protected HttpResponse<String> http(String method, String pathAndQuery, String body, String... headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri(pathAndQuery))
				.timeout(Duration.ofSeconds(120))
				.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
						: HttpRequest.BodyPublishers.ofString(body));
		if (body != null) {
			request.header("Content-Type", "application/fhir+json");
		}
		for (int i = 0; i + 1 < headers.length; i += 2) {
			request.setHeader(headers[i], headers[i + 1]);
		}
		return send(request.build());
	}

	protected HttpResponse<String> httpBytes(String method, String pathAndQuery, byte[] body, String contentType) {
		return send(HttpRequest.newBuilder(uri(pathAndQuery))
				.timeout(Duration.ofSeconds(60))
				.header("Content-Type", contentType)
				// Answers in JSON whatever the body's format, so one parser reads every outcome.
				.header("Accept", "application/fhir+json")
				.method(method, HttpRequest.BodyPublishers.ofByteArray(body))
				.build());
	}

	/** java.net.URI refuses a raw '|' (token searches), so it is escaped here as a browser would. */
	protected URI uri(String pathAndQuery) {
		return URI.create(fhirBase() + pathAndQuery.replace("|", "%7C"));
	}

	/**
	 * A GET written byte for byte on a socket, for what java.net.URI would escape (raw '|' in a
	 * query, as curl and many FHIR clients send it), with extra header name/value pairs. Returns the
	 * status line and the rest.
	 */
	protected String rawGet(String pathAndQuery, String... headers) {
		try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
			socket.setSoTimeout(60_000);
			StringBuilder extra = new StringBuilder();
			for (int i = 0; i + 1 < headers.length; i += 2) {
				extra.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
			}
			String request = "GET /fhir" + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
					+ "Accept: application/fhir+json\r\n" + extra + "Connection: close\r\n\r\n";
			socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
			return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
		}
		catch (IOException e) {
			throw new IllegalStateException(e);
		}
	}

	protected static HttpResponse<String> send(HttpRequest request) {
		try {
			return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException e) {
			throw new IllegalStateException(e);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(e);
		}
	}
}
