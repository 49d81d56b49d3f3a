package dev.patient360.routes.hl7v2;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;
import dev.patient360.routes.hl7v2.mapping.Hl7v2Parser;
import dev.patient360.routes.hl7v2.mapping.Hl7v2ToFhirMessageMapper;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * What the listener answers to one frame. The AA is only ever produced after the inbox insert
 * returned, i.e. after the commit; any database failure becomes an AE so the sender resends.
 */
@Component
class Hl7v2MllpListener {

	private static final Logger log = LoggerFactory.getLogger(Hl7v2MllpListener.class);
	private static final Duration RECHECK = Duration.ofSeconds(1);

	private final Hl7v2Inbox inbox;
	private final Hl7v2Properties props;
	private final MeterRegistry meters;
	private final Hl7v2AppliedSignals signals;
	private final Hl7v2Parser parser = new Hl7v2Parser();

	Hl7v2MllpListener(Hl7v2Inbox inbox, Hl7v2Properties props, MeterRegistry meters, Hl7v2AppliedSignals signals) {
		this.inbox = inbox;
		this.signals = signals;
		this.props = props;
		this.meters = meters;
	}

	String receive(byte[] raw) {
		return receive(raw, false);
	}

	/**
	 * @param afterCommit answer AA only once the hub committed the message (a dead-lettered message
	 *     gets AR, one still pending after {@code afterCommitTimeout} AE); else AA once it is in the inbox
	 */
	String receive(byte[] raw, boolean afterCommit) {
		Hl7v2Frame frame = Hl7v2Frame.decode(raw);
		if (!frame.hasMsh() || frame.controlId().isBlank()) {
			return answer(frame, Hl7v2Acks.Code.REJECT, "100", "HUB-4003 no MSH segment with MSH-10 message control id");
		}
		Message message;
		try {
			message = parser.parse(frame.text());
		}
		catch (HL7Exception | RuntimeException e) {
			log.debug("Unparseable HL7 v2 message {}", frame.controlId(), e);
			return answer(frame, Hl7v2Acks.Code.REJECT, "102", "HUB-4004 message could not be parsed as ER7");
		}
		boolean supported = Hl7v2ToFhirMessageMapper.supported(frame.messageType());
		if (!supported && props.unsupported() == Hl7v2Properties.Unsupported.REJECT) {
			return answer(frame, Hl7v2Acks.Code.REJECT, "200", "HUB-4005 unsupported message type " + frame.messageType());
		}
		try {
			String patientKey = Hl7v2ToFhirMessageMapper.patientKey(message);
			boolean isNew = inbox.store(frame, patientKey.isEmpty() ? frame.sender() + "|" + frame.controlId() : patientKey,
					supported ? "PENDING" : "IGNORED");
			if (!isNew) {
				meters.counter("hl7v2.messages.duplicate", "type", frame.messageType()).increment();
			}
			if (afterCommit && supported) {
				return awaitApplied(frame);
			}
			return answer(frame, Hl7v2Acks.Code.ACCEPT, null, null);
		}
		catch (DataAccessException e) {
			log.warn("HUB-4006 inbox unavailable, answering AE: {}", e.getClass().getSimpleName());
			return answer(frame, Hl7v2Acks.Code.ERROR, "207", "HUB-4006 inbox unavailable, resend later");
		}
	}

	/**
	 * Waits for the processor (not this thread: it applies the message, so ordering holds) to
	 * settle the inbox row: woken by its signal, re-reading the row at least every second.
	 */
	private String awaitApplied(Hl7v2Frame frame) {
		long deadline = System.nanoTime() + props.afterCommitTimeout().toNanos();
		String key = Hl7v2AppliedSignals.key(frame.sender(), frame.controlId(), frame.sha256());
		CompletableFuture<Void> signal = signals.watch(key);
		try {
			while (true) {
				String status = inbox.status(frame);
				if ("DONE".equals(status)) {
					return answer(frame, Hl7v2Acks.Code.ACCEPT, null, null);
				}
				if ("DEAD".equals(status)) {
					return answer(frame, Hl7v2Acks.Code.REJECT, "207", "HUB-4009 message could not be applied (dead letter)");
				}
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					break;
				}
				if (signal.isDone()) {
					signal = signals.watch(key);
				}
				try {
					signal.get(Math.min(left, RECHECK.toNanos()), TimeUnit.NANOSECONDS);
				}
				catch (TimeoutException e) {
					// re-read the row: the signal is a shortcut, not the truth
				}
			}
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException e) {
			log.warn("HUB-4008 after-commit wait failed: {}", e.getCause().getClass().getSimpleName());
		}
		catch (DataAccessException e) {
			log.warn("HUB-4006 inbox unavailable while waiting for the hub: {}", e.getClass().getSimpleName());
		}
		finally {
			signals.forget(key, signal);
		}
		return answer(frame, Hl7v2Acks.Code.ERROR, "207", "HUB-4008 hub has not committed the message yet, resend later");
	}

	private String answer(Hl7v2Frame frame, Hl7v2Acks.Code code, String errCode, String text) {
		meters.counter("hl7v2.messages.received", "type", frame.hasMsh() ? frame.messageType() : "none",
				"ack", code.name().toLowerCase(java.util.Locale.ROOT)).increment();
		return Hl7v2Acks.ack(frame, code, errCode, text);
	}
}
