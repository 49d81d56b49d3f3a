package dev.patient360.hub.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a refused request's record says when only its method and path are known. */
class RequestFactsTest {

	@Test
	void theInteractionOfARefusedRequestFollowsItsMethodAndPath() {
		assertThat(interaction("GET", "Patient/123")).isEqualTo("read");
		assertThat(interaction("GET", "Patient/123/_history/2")).isEqualTo("vread");
		assertThat(interaction("GET", "Patient/123/_history")).isEqualTo("history-instance");
		assertThat(interaction("GET", "Patient/123/Observation")).isEqualTo("search-type");
		assertThat(interaction("GET", "Observation")).isEqualTo("search-type");
		assertThat(interaction("GET", "")).isEqualTo("search-system");
		assertThat(interaction("GET", "Patient/123/$everything")).isEqualTo("operation");
		assertThat(interaction("POST", "Patient/_search")).isEqualTo("search-type");
		assertThat(interaction("POST", "Patient")).isEqualTo("create");
		assertThat(interaction("POST", "")).isEqualTo("transaction");
		assertThat(interaction("PUT", "Patient/abc")).isEqualTo("update");
		assertThat(interaction("PATCH", "Patient/abc")).isEqualTo("patch");
		assertThat(interaction("DELETE", "Patient/abc")).isEqualTo("delete");
	}

	@Test
	void onlyTheStableCodeOfAFailureMessageIsKeptNeverItsText() {
		assertThat(RequestFacts.errorCode("HAPI-1821: [Patient.birthDate] Invalid date 1999-13-99")).isEqualTo("HAPI-1821");
		assertThat(RequestFacts.errorCode("HUB-0412: stale If-Match")).isEqualTo("HUB-0412");
		assertThat(RequestFacts.errorCode("Resource Patient/123 is not known")).isNull();
	}

	@Test
	void aClientRequestIdIsKeptOnlyWhenItIsAPlainToken() {
		assertThat(RequestFacts.requestId("load-42_a.b")).isEqualTo("load-42_a.b");
		assertThat(RequestFacts.requestId("has space")).isNull();
		assertThat(RequestFacts.requestId("x".repeat(65))).isNull();
	}

	private static String interaction(String method, String path) {
		return RequestFacts.interactionOfPath(method, path.isEmpty() ? new String[0] : path.split("/"), null);
	}
}
