package dev.patient360.routes.hl7v2;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/**
 * In-process wake-up for the after-commit listener: the processor signals when a message became
 * DONE or DEAD, so the listener answers at once instead of polling the inbox. The inbox row stays
 * the truth; the listener still reads it, and re-reads it every second in case a signal was missed
 * (e.g. two listeners waiting for the same resend).
 */
@Component
class Hl7v2AppliedSignals {

	private final ConcurrentHashMap<String, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();

	static String key(String sender, String controlId, String sha256) {
		return sender + "\u0000" + controlId + "\u0000" + sha256;
	}

	CompletableFuture<Void> watch(String key) {
		return waiting.computeIfAbsent(key, k -> new CompletableFuture<>());
	}

	void forget(String key, CompletableFuture<Void> signal) {
		waiting.remove(key, signal);
	}

	void settled(String key) {
		CompletableFuture<Void> signal = waiting.remove(key);
		if (signal != null) {
			signal.complete(null);
		}
	}
}
