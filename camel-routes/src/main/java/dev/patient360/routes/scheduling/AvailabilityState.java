package dev.patient360.routes.scheduling;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The slots of each event type as the hub holds them (table {@code availability_slot}): written
 * only after the hub committed them, read to find the free times the source stopped offering.
 */
@Component
class AvailabilityState {

	private final JdbcClient jdbc;

	AvailabilityState(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** Times held as free in the hub that start within [from, to). */
	List<CalComSlotsToFhirSlotMapper.SlotTime> heldFree(String instance, String eventType, Instant from, Instant to) {
		return jdbc.sql("""
				select start_at, end_at from availability_slot
				where instance = ? and event_type = ? and status = 'free' and start_at >= ? and start_at < ?
				order by start_at""")
				.params(instance, eventType, ts(from), ts(to))
				.query((rs, n) -> new CalComSlotsToFhirSlotMapper.SlotTime(rs.getObject(1, OffsetDateTime.class).toInstant(),
						rs.getObject(2, OffsetDateTime.class).toInstant()))
				.list();
	}

	void committed(String instance, String eventType, CalComSlotsToFhirSlotMapper.Result result) {
		for (CalComSlotsToFhirSlotMapper.SlotTime t : result.offered()) {
			put(instance, eventType, t, "free");
		}
		for (CalComSlotsToFhirSlotMapper.SlotTime t : result.busy()) {
			put(instance, eventType, t, "busy");
		}
	}

	private void put(String instance, String eventType, CalComSlotsToFhirSlotMapper.SlotTime t, String status) {
		jdbc.sql("""
				insert into availability_slot (instance, event_type, start_at, end_at, status) values (?, ?, ?, ?, ?)
				on conflict (instance, event_type, start_at) do update set end_at = excluded.end_at, status = excluded.status,
				  updated_at = now()""")
				.params(instance, eventType, ts(t.start()), ts(t.end()), status).update();
	}

	private static OffsetDateTime ts(Instant i) {
		return i.atOffset(ZoneOffset.UTC);
	}
}
