package dev.patient360.routes.hl7v2;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The durable inbox (table {@code hl7v2_inbox}) and its dead letters (table {@code dead_letter}). */
@Component
class Hl7v2Inbox {

	static final String CONNECTOR = "hl7v2-mllp";

	record Pending(long id, String sender, String controlId, String messageType, String patientKey, Instant receivedAt,
			byte[] raw, int attempts, String sha256) {
	}

	private final JdbcClient jdbc;

	Hl7v2Inbox(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Commits the message (autocommit: durable when this returns). A resend (same sender, MSH-10
	 * and content) changes nothing and returns false. The content is part of the key because
	 * senders do reuse MSH-10 for different messages (test systems, counters reset after an
	 * upgrade); dropping those would lose data, while applying a byte-identical resend again is
	 * exactly what the key prevents.
	 */
	boolean store(Hl7v2Frame frame, String patientKey, String status) {
		return jdbc.sql("""
				insert into hl7v2_inbox (sender, control_id, message_type, patient_key, sha256, raw, status)
				values (?, ?, ?, ?, ?, ?, ?) on conflict (sender, control_id, sha256) do nothing""")
				.params(frame.sender(), frame.controlId(), frame.messageType(), patientKey, frame.sha256(),
						frame.text().getBytes(StandardCharsets.UTF_8), status)
				.update() == 1;
	}

	/**
	 * The first pending message of each patient, if it is due, leaving out patients in
	 * {@code busy} (their head is being applied right now): a later message of a patient waits for
	 * the earlier one even while that one is backing off. One pass over the pending index in
	 * (patient, id) order: linear in the backlog whatever the statistics say (an anti-join "no
	 * earlier pending row" degenerated to a quadratic plan and took minutes with 10,000 pending).
	 */
	List<Pending> heads(int limit, Collection<String> busy) {
		return jdbc.sql("""
				with heads as (
				  select distinct on (patient_key) id, patient_key, next_attempt_at from hl7v2_inbox
				  where status = 'PENDING' and patient_key <> all (?)
				  order by patient_key, id)
				select i.id, i.sender, i.control_id, i.message_type, i.patient_key, i.received_at, i.raw, i.attempts, i.sha256
				from heads h join hl7v2_inbox i on i.id = h.id
				where h.next_attempt_at <= now()
				order by h.id limit ?""")
				.params(busy.toArray(String[]::new), limit)
				.query((rs, n) -> new Pending(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
						rs.getString(5), rs.getTimestamp(6).toInstant(), rs.getBytes(7), rs.getInt(8), rs.getString(9)))
				.list();
	}

	/** Status of a stored message (PENDING, DONE, DEAD, IGNORED), or null when it is not stored. */
	String status(Hl7v2Frame frame) {
		return jdbc.sql("select status from hl7v2_inbox where sender = ? and control_id = ? and sha256 = ?")
				.params(frame.sender(), frame.controlId(), frame.sha256()).query(String.class).optional().orElse(null);
	}

	void done(long id) {
		jdbc.sql("update hl7v2_inbox set status = 'DONE', processed_at = now(), last_error = null where id = ?").param(id).update();
	}

	/** {@code error} is one of ours (code and HTTP status), never message content. */
	void retryLater(long id, Duration wait, String error) {
		jdbc.sql("update hl7v2_inbox set attempts = attempts + 1, next_attempt_at = ?, last_error = ? where id = ?")
				.params(Timestamp.from(Instant.now().plus(wait)), error, id).update();
	}

	/** Moves a message to the dead letters in one transaction with its inbox status. */
	void deadLetter(Pending p, String errorCode, String error) {
		jdbc.sql("""
				with moved as (update hl7v2_inbox set status = 'DEAD', processed_at = now(), last_error = ? where id = ? returning id)
				insert into dead_letter (connector, correlation_id, source_ref, message_type, raw, error_code, error)
				select ?, ?, ?, ?, ?, ?, ? from moved""")
				.params(errorCode, p.id(), CONNECTOR, p.sender() + "|" + p.controlId(), "hl7v2_inbox/" + p.id(),
						p.messageType(), p.raw(), errorCode, error)
				.update();
	}
}
