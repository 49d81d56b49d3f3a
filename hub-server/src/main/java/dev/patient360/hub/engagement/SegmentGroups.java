package dev.patient360.hub.engagement;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import dev.patient360.hub.errors.HubErrorCode;
import dev.patient360.profiles.Canonicals;
import dev.patient360.profiles.Codes.Segment;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps one FHIR Group per hub segment ({@code type=person}, {@code actual=true}, identifier
 * {@link Canonicals#SID_SEGMENT_GROUP}|code). A recompute that moves a person into or out of a
 * segment records the change in {@code hub_engagement_group_change} in its own transaction
 * ({@link #record}); {@link #flush} applies the recorded changes to the Groups in one update per
 * Group: a member entry with {@code period.start} when the person enters, {@code period.end} and
 * {@code inactive=true} when it leaves. Batching keeps a busy segment from getting one Group version
 * (a copy of the whole member list) per clinical write; the table makes the changes survive a
 * restart. Flushes of several hubs are serialised by an advisory lock.
 */
class SegmentGroups {

	private static final Logger log = LoggerFactory.getLogger(SegmentGroups.class);
	private static final long DDL_LOCK = 0x7031_3630_4567_7001L;
	private static final long FLUSH_LOCK = 0x7031_3630_4567_7002L;
	private static final int FLUSH_LIMIT = 20_000;

	private final IFhirResourceDao<Group> groups;
	private final JdbcTemplate jdbc;
	private final TransactionTemplate transaction;
	private final Clock clock;

	SegmentGroups(IFhirResourceDao<Group> groups, DataSource dataSource, PlatformTransactionManager tx, Clock clock) {
		this.groups = groups;
		this.jdbc = new JdbcTemplate(dataSource);
		this.transaction = new TransactionTemplate(tx);
		this.clock = clock;
	}

	void createTableIfMissing() {
		transaction.executeWithoutResult(status -> {
			jdbc.execute("select pg_advisory_xact_lock(" + DDL_LOCK + ")");
			jdbc.execute("create table if not exists hub_engagement_group_change (id bigserial primary key, "
					+ "segment varchar(64) not null, member_id varchar(100) not null, entered boolean not null, "
					+ "at timestamptz not null)");
		});
	}

	/** Notes that {@code memberId} entered or left segments; joins the caller's transaction. */
	void record(String memberId, Set<Segment> entered, Set<Segment> left) {
		Timestamp at = Timestamp.from(clock.instant());
		for (Segment s : entered) {
			jdbc.update("insert into hub_engagement_group_change (segment, member_id, entered, at) values (?, ?, true, ?)",
					s.code(), memberId, at);
		}
		for (Segment s : left) {
			jdbc.update("insert into hub_engagement_group_change (segment, member_id, entered, at) values (?, ?, false, ?)",
					s.code(), memberId, at);
		}
	}

	/** Applies the recorded changes to the Groups; returns how many were applied (0 when another hub is flushing). */
	int flush() {
		int total = 0;
		while (true) {
			Integer applied = transaction.execute(status -> {
				Boolean locked = jdbc.queryForObject("select pg_try_advisory_xact_lock(" + FLUSH_LOCK + ")", Boolean.class);
				if (!Boolean.TRUE.equals(locked)) {
					return -1;
				}
				List<Change> changes = jdbc.query("select id, segment, member_id, entered, at from hub_engagement_group_change "
						+ "order by id limit " + FLUSH_LIMIT, (rs, i) -> new Change(rs.getLong(1), rs.getString(2),
								rs.getString(3), rs.getBoolean(4), new Date(rs.getTimestamp(5).getTime())));
				if (changes.isEmpty()) {
					return 0;
				}
				Map<String, List<Change>> bySegment = new LinkedHashMap<>();
				changes.forEach(c -> bySegment.computeIfAbsent(c.segment(), k -> new java.util.ArrayList<>()).add(c));
				bySegment.forEach(this::apply);
				jdbc.update("delete from hub_engagement_group_change where id <= ?", changes.get(changes.size() - 1).id());
				return changes.size();
			});
			if (applied == null || applied <= 0) {
				return total;
			}
			total += applied;
		}
	}

	/** Flush for the scheduler: a failure is logged (no patient data) and retried on the next tick. */
	void flushQuietly() {
		try {
			flush();
		}
		catch (RuntimeException e) {
			log.warn("{} segment Groups not updated, retried on the next flush: {}",
					HubErrorCode.ENGAGEMENT_GROUP_FLUSH_FAILED.code(), e.getClass().getSimpleName());
		}
	}

	private void apply(String code, List<Change> changes) {
		Segment segment = segmentOf(code);
		Group group = find(code);
		boolean isNew = group == null;
		if (isNew) {
			group = newGroup(segment, code);
		}
		Map<String, Group.GroupMemberComponent> current = new LinkedHashMap<>();
		for (Group.GroupMemberComponent m : group.getMember()) {
			if (!m.getInactive() && !m.getPeriod().hasEnd()) {
				current.put(m.getEntity().getReference(), m);
			}
		}
		for (Change c : changes) {
			Group.GroupMemberComponent open = current.get(c.memberId());
			if (c.entered() && open == null) {
				current.put(c.memberId(), group.addMember().setEntity(new Reference(c.memberId()))
						.setPeriod(new Period().setStart(c.at())));
			}
			else if (!c.entered() && open != null) {
				open.getPeriod().setEnd(c.at());
				open.setInactive(true);
				current.remove(c.memberId());
			}
		}
		group.setQuantity(current.size());
		if (isNew) {
			groups.create(group, new SystemRequestDetails());
		}
		else {
			groups.update(group, new SystemRequestDetails());
		}
	}

	/** The Group of a segment, or null before its first member. */
	Group find(String code) {
		SearchParameterMap map = SearchParameterMap.newSynchronous()
				.add(Group.SP_IDENTIFIER, new TokenParam(Canonicals.SID_SEGMENT_GROUP, code));
		List<?> found = groups.search(map, new SystemRequestDetails()).getAllResources();
		return found.isEmpty() ? null : (Group) found.get(0);
	}

	private static Group newGroup(Segment segment, String code) {
		Group group = new Group();
		group.addIdentifier().setSystem(Canonicals.SID_SEGMENT_GROUP).setValue(code);
		group.setActive(true);
		group.setType(Group.GroupType.PERSON);
		group.setActual(true);
		if (segment != null) {
			group.setCode(segment.concept());
		}
		group.setName("Engagement segment " + code);
		return group;
	}

	private static Segment segmentOf(String code) {
		for (Segment s : Segment.values()) {
			if (s.code().equals(code)) {
				return s;
			}
		}
		return null;
	}

	private record Change(long id, String segment, String memberId, boolean entered, Date at) {
	}
}
