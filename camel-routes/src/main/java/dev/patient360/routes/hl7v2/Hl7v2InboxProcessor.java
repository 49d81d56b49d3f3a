package dev.patient360.routes.hl7v2;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import ca.uhn.hl7v2.HL7Exception;
import dev.patient360.routes.common.ClientCredentialsTokens;
import dev.patient360.routes.common.HubClient;
import dev.patient360.routes.hl7v2.mapping.Hl7v2MappingException;
import dev.patient360.routes.hl7v2.mapping.Hl7v2Parser;
import dev.patient360.routes.hl7v2.mapping.Hl7v2ToFhirMergeMapper;
import dev.patient360.routes.hl7v2.mapping.Hl7v2ToFhirMessageMapper;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * Applies inbox messages to the hub: each patient's messages strictly in arrival order, different
 * patients in parallel ({@code workers}). Hub outages are retried with exponential backoff up to
 * {@code maxBackoff}, without limit (an outage must not turn messages into dead letters); mapping
 * errors and 4xx answers go to the dead letters at once, so they never hold up that patient.
 */
@Component
class Hl7v2InboxProcessor implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(Hl7v2InboxProcessor.class);

	private final Hl7v2Inbox inbox;
	private final HubClient hub;
	private final ClientCredentialsTokens tokens;
	private final Hl7v2Properties props;
	private final MeterRegistry meters;
	private final Hl7v2Parser parser = new Hl7v2Parser();
	private final ExecutorService workers;

	Hl7v2InboxProcessor(Hl7v2Inbox inbox, HubClient hub, ClientCredentialsTokens tokens, Hl7v2Properties props,
			MeterRegistry meters) {
		this.inbox = inbox;
		this.hub = hub;
		this.tokens = tokens;
		this.props = props;
		this.meters = meters;
		this.workers = Executors.newFixedThreadPool(props.workers());
	}

	/** Processes due heads until none are left; returns how many messages were handled. */
	int drain() throws InterruptedException {
		int total = 0;
		while (true) {
			List<Hl7v2Inbox.Pending> heads;
			try {
				heads = inbox.heads(props.workers() * 8);
			}
			catch (DataAccessException e) {
				log.warn("HUB-4007 inbox unavailable for processing: {}", e.getClass().getSimpleName());
				return total;
			}
			if (heads.isEmpty()) {
				return total;
			}
			List<Future<?>> running = heads.stream().map(p -> workers.submit(() -> apply(p))).<Future<?>>map(f -> f).toList();
			for (Future<?> f : running) {
				try {
					f.get();
				}
				catch (java.util.concurrent.ExecutionException e) {
					log.warn("HUB-4007 inbox processing failed: {}", e.getCause().getClass().getSimpleName());
				}
			}
			total += heads.size();
		}
	}

	void apply(Hl7v2Inbox.Pending p) {
		try {
			var message = parser.parse(new String(p.raw(), StandardCharsets.UTF_8));
			var ctx = new Hl7v2ToFhirMessageMapper.Context(sourceSystem(), Hl7v2Inbox.CONNECTOR, p.sender(),
					Date.from(p.receivedAt()));
			hub.transaction(Hl7v2ToFhirMessageMapper.map(message, ctx));
			var merge = Hl7v2ToFhirMergeMapper.map(message);
			if (merge.isPresent()) {
				// After the transaction committed: both records exist. A resend repeats both harmlessly.
				try {
					hub.operation("Patient/$merge", merge.get());
				}
				catch (HubClient.HubRejectedException e) {
					inbox.deadLetter(p, "HUB-4060", "A40 applied, but the hub refused Patient/$merge (HTTP " + e.status()
							+ ")\n" + e.outcome());
					outcome(p, "dead-letter");
					return;
				}
			}
			inbox.done(p.id());
			outcome(p, "applied");
		}
		catch (Hl7v2MappingException e) {
			inbox.deadLetter(p, e.code(), e.getMessage());
			outcome(p, "dead-letter");
		}
		catch (HL7Exception e) {
			inbox.deadLetter(p, "HUB-4004", "message could not be parsed as ER7");
			outcome(p, "dead-letter");
		}
		catch (HubClient.HubRejectedException e) {
			inbox.deadLetter(p, "HUB-4021", e.getMessage() + "\n" + e.outcome());
			outcome(p, "dead-letter");
		}
		catch (HubClient.HubUnavailableException | java.io.IOException e) {
			long seconds = Math.min(props.maxBackoff().toSeconds(), 1L << Math.min(p.attempts(), 20));
			inbox.retryLater(p.id(), Duration.ofSeconds(seconds),
					e instanceof HubClient.HubUnavailableException ? e.getMessage() : "HUB-4020 " + e.getClass().getSimpleName());
			outcome(p, "retry");
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

	/** The configured code, else the token's {@code source_system} claim: the hub accepts no other. */
	private String sourceSystem() throws java.io.IOException, InterruptedException {
		if (props.sourceSystem() != null && !props.sourceSystem().isBlank()) {
			return props.sourceSystem();
		}
		return tokens.claim("source_system").orElseThrow(() -> new Hl7v2MappingException("HUB-4017",
				"no source system: set ROUTES_HL7V2_SOURCE_SYSTEM or use a client with a source_system claim"));
	}

	private void outcome(Hl7v2Inbox.Pending p, String outcome) {
		meters.counter("hl7v2.messages.processed", "type", p.messageType(), "outcome", outcome).increment();
	}

	@Override
	public void close() {
		workers.shutdownNow();
	}
}
