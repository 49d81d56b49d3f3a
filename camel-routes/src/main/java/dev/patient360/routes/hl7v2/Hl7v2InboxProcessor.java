package dev.patient360.routes.hl7v2;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Date;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

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
 * errors and 4xx answers go to the dead letters at once, so they never hold up that patient. A hub
 * that refuses the connector's credentials (401/403 even with a fresh token) pauses the whole
 * processor with the same backoff; its messages stay pending.
 */
@Component
class Hl7v2InboxProcessor implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(Hl7v2InboxProcessor.class);

	/** 409s retried before the message is a dead letter: a conflict that lasts this long is not a race. */
	private static final int CONFLICT_RETRIES = 5;

	private final Hl7v2Inbox inbox;
	private final HubClient hub;
	private final ClientCredentialsTokens tokens;
	private final Hl7v2Properties props;
	private final MeterRegistry meters;
	private final Hl7v2AppliedSignals signals;
	private final Hl7v2Parser parser = new Hl7v2Parser();
	private final ExecutorService workers;
	/** Set while the hub refuses our credentials: nothing is sent before this instant. */
	private volatile Instant pausedUntil = Instant.MIN;
	private final AtomicInteger refusals = new AtomicInteger();

	Hl7v2InboxProcessor(Hl7v2Inbox inbox, HubClient hub, ClientCredentialsTokens tokens, Hl7v2Properties props,
			MeterRegistry meters, Hl7v2AppliedSignals signals) {
		this.signals = signals;
		this.inbox = inbox;
		this.hub = hub;
		this.tokens = tokens;
		this.props = props;
		this.meters = meters;
		this.workers = Executors.newFixedThreadPool(props.workers());
	}

	/**
	 * Processes due heads until none are left; returns how many messages were handled. Workers are
	 * refilled as soon as one finishes (no batch barrier: one slow transaction must not idle the
	 * others). Heads are fetched in batches of {@code workers * 16} and kept until dispatched: each is
	 * the oldest pending message of a patient not in flight, and stays so, since only this loop
	 * applies messages. A patient's next message only becomes a head once this one is DONE or DEAD.
	 */
	int drain() throws InterruptedException {
		int total = 0;
		Map<Future<String>, String> running = new HashMap<>();
		Deque<Hl7v2Inbox.Pending> due = new ArrayDeque<>();
		CompletionService<String> done = new ExecutorCompletionService<>(workers);
		try {
			while (true) {
				if (paused()) {
					due.clear();
				}
				else if (due.isEmpty() && running.size() < props.workers()) {
					try {
						due.addAll(inbox.heads(props.workers() * 16, running.values()));
					}
					catch (DataAccessException e) {
						log.warn("HUB-4007 inbox unavailable for processing: {}", e.getClass().getSimpleName());
					}
				}
				while (!due.isEmpty() && running.size() < props.workers()) {
					Hl7v2Inbox.Pending p = due.poll();
					running.put(done.submit(() -> apply(p), p.patientKey()), p.patientKey());
				}
				if (running.isEmpty()) {
					return total;
				}
				// All workers busy, or nothing more due: wait for one to finish (its patient's next
				// message may now be due).
				Future<String> finished = done.take();
				running.remove(finished);
				total++;
				try {
					finished.get();
				}
				catch (ExecutionException e) {
					log.warn("HUB-4007 inbox processing failed: {}", e.getCause().getClass().getSimpleName());
				}
			}
		}
		finally {
			// Interrupted (shutdown): what is still running finishes or is retried from the inbox.
			running.keySet().forEach(f -> f.cancel(true));
		}
	}

	void apply(Hl7v2Inbox.Pending p) {
		try {
			var message = parser.parse(new String(p.raw(), StandardCharsets.UTF_8));
			var ctx = new Hl7v2ToFhirMessageMapper.Context(sourceSystem(), Hl7v2Inbox.CONNECTOR, p.sender(),
					Date.from(p.receivedAt()));
			hub.transaction(Hl7v2ToFhirMessageMapper.map(message, ctx));
			refusals.set(0);
			var merge = Hl7v2ToFhirMergeMapper.map(message);
			if (merge.isPresent()) {
				// After the transaction committed: both records exist. A resend repeats both harmlessly.
				try {
					hub.operation("Patient/$merge", merge.get());
				}
				catch (HubClient.HubRejectedException e) {
					inbox.deadLetter(p, "HUB-4060", "A40 applied, but the hub refused Patient/$merge (HTTP " + e.status()
							+ ")\n" + e.outcome());
					settled(p);
					outcome(p, "dead-letter");
					return;
				}
			}
			inbox.done(p.id());
			settled(p);
			outcome(p, "applied");
		}
		catch (Hl7v2MappingException e) {
			inbox.deadLetter(p, e.code(), e.getMessage());
			settled(p);
			outcome(p, "dead-letter");
		}
		catch (HL7Exception e) {
			inbox.deadLetter(p, "HUB-4004", "message could not be parsed as ER7");
			settled(p);
			outcome(p, "dead-letter");
		}
		catch (HubClient.HubRejectedException e) {
			if (e.status() == 409 && p.attempts() < CONFLICT_RETRIES) {
				// A version conflict with a concurrent write (another patient's message naming the same
				// Practitioner, the hub's own engagement update of this Patient) is over on the next try.
				inbox.retryLater(p.id(), backoff(p.attempts()), "HUB-4022 hub answered HTTP 409 (version conflict)");
				outcome(p, "retry");
				return;
			}
			inbox.deadLetter(p, "HUB-4021", e.getMessage() + "\n" + e.outcome());
			settled(p);
			outcome(p, "dead-letter");
		}
		catch (HubClient.HubCredentialsRefusedException e) {
			// Not the message's fault: it stays pending, and the whole processor waits, since every
			// other message would be refused the same way.
			Duration pause = backoff(refusals.getAndIncrement());
			pausedUntil = Instant.now().plus(pause);
			log.warn("HUB-4033 hub refuses the connector's credentials; pausing the inbox processor for {}", pause);
			inbox.retryLater(p.id(), pause, e.getMessage());
			outcome(p, "credentials-refused");
		}
		catch (HubClient.HubUnavailableException | java.io.IOException e) {
			inbox.retryLater(p.id(), backoff(p.attempts()),
					e instanceof HubClient.HubUnavailableException ? e.getMessage() : "HUB-4020 " + e.getClass().getSimpleName());
			outcome(p, "retry");
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

	private void settled(Hl7v2Inbox.Pending p) {
		signals.settled(Hl7v2AppliedSignals.key(p.sender(), p.controlId(), p.sha256()));
	}

	private Duration backoff(int attempts) {
		return Duration.ofSeconds(Math.min(props.maxBackoff().toSeconds(), 1L << Math.min(attempts, 20)));
	}

	private boolean paused() {
		return Instant.now().isBefore(pausedUntil);
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
