package dev.patient360.routes.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Dead letters of every connector: list, show (with the original message), retry (back into the
 * connector's inbox) and discard. Only for {@code integration-engineer} (see {@link AdminSecurityConfig}).
 */
@RestController
@RequestMapping("/api/dead-letters")
class DeadLetterController {

	record Summary(long id, String connector, String correlationId, String messageType, String errorCode,
			OffsetDateTime createdAt, String status) {
	}

	record Detail(long id, String connector, String correlationId, String messageType, String errorCode,
			String error, OffsetDateTime createdAt, String status, String message) {
	}

	private final JdbcClient jdbc;

	DeadLetterController(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@GetMapping
	List<Summary> list(@RequestParam(defaultValue = "OPEN") String status, @RequestParam(defaultValue = "100") int limit) {
		return jdbc.sql("""
				select id, connector, correlation_id, message_type, error_code, created_at, status from dead_letter
				where status = ? order by id limit ?""")
				.params(status.toUpperCase(java.util.Locale.ROOT), Math.min(Math.max(limit, 1), 1000))
				.query((rs, n) -> new Summary(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
						rs.getString(5), rs.getObject(6, OffsetDateTime.class), rs.getString(7)))
				.list();
	}

	@GetMapping("/{id}")
	ResponseEntity<Detail> show(@PathVariable long id) {
		return jdbc.sql("""
				select id, connector, correlation_id, message_type, error_code, error, created_at, status, raw
				from dead_letter where id = ?""")
				.param(id)
				.query((rs, n) -> new Detail(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
						rs.getString(5), rs.getString(6), rs.getObject(7, OffsetDateTime.class), rs.getString(8),
						new String(rs.getBytes(9), StandardCharsets.UTF_8)))
				.optional().map(ResponseEntity::ok).orElse(ResponseEntity.notFound().build());
	}

	/** Puts the message back into its inbox as pending; the processor applies it like a new one. */
	@PostMapping("/{id}/retry")
	@Transactional
	ResponseEntity<Map<String, Object>> retry(@PathVariable long id) {
		var letter = jdbc.sql("select source_ref, status from dead_letter where id = ? for update").param(id)
				.query((rs, n) -> new String[] {rs.getString(1), rs.getString(2)}).optional();
		if (letter.isEmpty()) {
			return ResponseEntity.notFound().build();
		}
		if (!"OPEN".equals(letter.get()[1])) {
			return conflict(id, letter.get()[1]);
		}
		String ref = letter.get()[0];
		// Inboxes a letter can go back to: HL7 v2 messages and scheduling webhook deliveries.
		String inbox = ref == null ? null : ref.startsWith("hl7v2_inbox/") ? "hl7v2_inbox"
				: ref.startsWith("webhook_inbox/") ? "webhook_inbox" : null;
		if (inbox == null) {
			return ResponseEntity.status(HttpStatus.UNPROCESSABLE_ENTITY)
					.body(Map.of("code", "HUB-4031", "message", "this dead letter has no inbox to retry from"));
		}
		jdbc.sql("update " + inbox + " set status = 'PENDING', attempts = 0, next_attempt_at = now(), last_error = null where id = ?")
				.param(Long.parseLong(ref.substring(inbox.length() + 1))).update();
		jdbc.sql("update dead_letter set status = 'RETRIED' where id = ?").param(id).update();
		return ResponseEntity.accepted().body(Map.of("id", id, "status", "RETRIED"));
	}

	@DeleteMapping("/{id}")
	@Transactional
	ResponseEntity<Map<String, Object>> discard(@PathVariable long id) {
		var status = jdbc.sql("select status from dead_letter where id = ? for update").param(id).query(String.class).optional();
		if (status.isEmpty()) {
			return ResponseEntity.notFound().build();
		}
		if (!"OPEN".equals(status.get())) {
			return conflict(id, status.get());
		}
		jdbc.sql("update dead_letter set status = 'DISCARDED' where id = ?").param(id).update();
		return ResponseEntity.ok(Map.of("id", id, "status", "DISCARDED"));
	}

	private static ResponseEntity<Map<String, Object>> conflict(long id, String status) {
		return ResponseEntity.status(HttpStatus.CONFLICT)
				.body(Map.of("code", "HUB-4030", "message", "dead letter " + id + " is " + status + ", not OPEN"));
	}
}
