package dev.patient360.routes.hl7v2;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The HL7 v2 MLLP listener and its inbox processor.
 *
 * @param enabled whether the listener runs ({@code ROUTES_MLLP_ENABLED})
 * @param host bind address ({@code ROUTES_MLLP_HOST}); loopback unless a sender on another host needs it
 * @param port MLLP port ({@code ROUTES_MLLP_PORT})
 * @param sourceSystem source-system code written on every resource ({@code ROUTES_HL7V2_SOURCE_SYSTEM});
 *     blank = the {@code source_system} claim of the client's token, which the hub requires anyway
 * @param unsupported what to do with a well-formed message of a type without a mapping
 *     ({@code ROUTES_HL7V2_UNSUPPORTED}): {@code reject} (AR) or {@code store} (AA, kept as IGNORED)
 * @param pollPeriod how often the processor looks for pending inbox messages ({@code ROUTES_HL7V2_POLL_PERIOD})
 * @param workers how many patients' messages are sent to the hub in parallel ({@code ROUTES_HL7V2_WORKERS})
 * @param maxBackoff longest wait between retries of a message the hub could not take ({@code ROUTES_HL7V2_MAX_BACKOFF})
 * @param afterCommitPort a second MLLP listener in after-commit mode, 0 = none
 *     ({@code ROUTES_MLLP_AFTER_COMMIT_PORT}): it answers AA only once the hub has committed the
 *     message's transaction
 * @param afterCommitTimeout how long that listener waits for the hub before answering AE
 *     ({@code ROUTES_HL7V2_AFTER_COMMIT_TIMEOUT}); the sender's resend then waits again
 * @param tlsKeystore PKCS12 (or JKS) keystore with the listener's key and certificate
 *     ({@code ROUTES_MLLP_TLS_KEYSTORE}); set = both listeners speak TLS only, blank = plain TCP
 * @param tlsKeystorePassword its password ({@code ROUTES_MLLP_TLS_KEYSTORE_PASSWORD})
 * @param tlsTruststore certificates of the senders allowed to connect ({@code ROUTES_MLLP_TLS_TRUSTSTORE});
 *     set = a client certificate is required, blank = any client (server-authenticated TLS)
 * @param tlsTruststorePassword its password ({@code ROUTES_MLLP_TLS_TRUSTSTORE_PASSWORD})
 */
@Validated
@ConfigurationProperties("routes.hl7v2")
public record Hl7v2Properties(
		@DefaultValue("true") boolean enabled,
		@NotBlank @DefaultValue("127.0.0.1") String host,
		@Min(1) @Max(65535) @DefaultValue("2575") int port,
		String sourceSystem,
		@NotNull @DefaultValue("reject") Unsupported unsupported,
		@NotNull @DefaultValue("200ms") Duration pollPeriod,
		@Min(1) @Max(64) @DefaultValue("4") int workers,
		@NotNull @DefaultValue("5m") Duration maxBackoff,
		@Min(0) @Max(65535) @DefaultValue("0") int afterCommitPort,
		@NotNull @DefaultValue("30s") Duration afterCommitTimeout,
		String tlsKeystore,
		String tlsKeystorePassword,
		String tlsTruststore,
		String tlsTruststorePassword) {

	public enum Unsupported { REJECT, STORE }

	boolean tls() {
		return tlsKeystore != null && !tlsKeystore.isBlank();
	}

	boolean clientCertificates() {
		return tlsTruststore != null && !tlsTruststore.isBlank();
	}
}
