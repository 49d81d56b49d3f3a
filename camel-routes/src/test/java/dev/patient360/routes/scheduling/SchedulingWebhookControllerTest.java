package dev.patient360.routes.scheduling;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SchedulingWebhookControllerTest {

	private static final byte[] BODY = "{\"triggerEvent\":\"PING\"}".getBytes(StandardCharsets.UTF_8);

	@Test
	void aSignatureIsTheHexHmacSha256OfTheRawBodyWithTheSecret() {
		// RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
		assertThat(SchedulingWebhookController.hmac("Jefe", "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII)))
				.isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	}

	@Test
	void onlyTheMatchingSignatureOfTheExactBodyIsAccepted() {
		String good = SchedulingWebhookController.hmac("s3cret", BODY);
		assertThat(SchedulingWebhookController.verified("s3cret", BODY, good)).isTrue();
		assertThat(SchedulingWebhookController.verified("s3cret", BODY, good.toUpperCase())).isTrue();
		assertThat(SchedulingWebhookController.verified("s3cret", BODY, "sha256=" + good)).isTrue();
		assertThat(SchedulingWebhookController.verified("other", BODY, good)).isFalse();
		assertThat(SchedulingWebhookController.verified("s3cret", "{}".getBytes(StandardCharsets.UTF_8), good)).isFalse();
		assertThat(SchedulingWebhookController.verified("s3cret", BODY, good.substring(1))).isFalse();
		assertThat(SchedulingWebhookController.verified("s3cret", BODY, null)).isFalse();
		assertThat(SchedulingWebhookController.verified("s3cret", BODY, "")).isFalse();
	}
}
