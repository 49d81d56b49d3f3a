package dev.patient360.routes.scheduling;

import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

import dev.patient360.routes.common.HubClient;
import dev.patient360.routes.deadletter.DeadLetters;
import dev.patient360.routes.kit.ConnectorState;
import dev.patient360.routes.kit.ConnectorsProperties;
import dev.patient360.routes.kit.InstanceHubClients;
import dev.patient360.routes.kit.SourceHttp;
import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.data.ParserException;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.Component;
import net.fortuna.ical4j.model.component.VEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One pull of an {@code ical-feed} instance: GET the feed, and for each VEVENT whose SEQUENCE is
 * higher than the one last committed for its UID (table {@code ical_event}; an unseen UID always
 * counts), map it; all such events go to the hub in one transaction, then their SEQUENCEs are
 * recorded. An event with an equal or lower SEQUENCE is ignored, so re-reading the feed writes
 * nothing. An event that cannot be mapped, or that the hub refuses, becomes a dead letter.
 */
@org.springframework.stereotype.Component
public class IcalFeedPuller {

	public static final String TYPE = "ical-feed";
	static final String STATE_TYPE = "Appointment";
	private static final Logger log = LoggerFactory.getLogger(IcalFeedPuller.class);

	private final Map<String, ConnectorsProperties.Instance> instances;
	private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
	private final ConnectorState state;
	private final InstanceHubClients hubs;
	private final DeadLetters deadLetters;
	private final JdbcClient jdbc;
	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	IcalFeedPuller(ConnectorsProperties props, ConnectorState state, InstanceHubClients hubs, DeadLetters deadLetters,
			JdbcClient jdbc) {
		this.instances = props.instances().stream().filter(i -> TYPE.equals(i.type()))
				.collect(Collectors.toMap(ConnectorsProperties.Instance::id, i -> i));
		this.state = state;
		this.hubs = hubs;
		this.deadLetters = deadLetters;
		this.jdbc = jdbc;
	}

	public void pull(String instanceId) throws InterruptedException {
		ConnectorsProperties.Instance instance = instances.get(instanceId);
		if (instance == null) {
			throw new IllegalArgumentException("no " + TYPE + " instance " + instanceId);
		}
		ReentrantLock lock = locks.computeIfAbsent(instanceId, k -> new ReentrantLock());
		lock.lockInterruptibly();
		try {
			Instant started = Instant.now();
			pullFeed(instance);
			state.succeeded(instance.id(), STATE_TYPE, started);
		}
		catch (IOException | RuntimeException e) {
			String error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
			log.warn("connector {}: pull failed: {}", instance.id(), error);
			state.failed(instance.id(), STATE_TYPE, error.length() > 500 ? error.substring(0, 500) : error);
		}
		finally {
			lock.unlock();
		}
	}

	private void pullFeed(ConnectorsProperties.Instance instance) throws IOException, InterruptedException {
		SourceHttp source = SourceHttp.of(http, null, instance);
		String body = source.get(instance.baseUrl(), "text/calendar");
		Calendar calendar;
		try {
			calendar = new CalendarBuilder().build(new StringReader(body));
		}
		catch (ParserException e) {
			throw new IOException("HUB-5054 the feed is not iCalendar (line " + e.getLineNo() + ")");
		}
		ZoneId floating = ZoneId.of(instance.options().getOrDefault("floating-time-zone", "UTC"));
		SchedulingContext ctx = SchedulingContext.of(instance);
		Map<String, Integer> known = known(instance.id());
		Map<String, Integer> changed = new LinkedHashMap<>();
		Map<String, VEvent> events = new LinkedHashMap<>();
		AppointmentTransaction tx = new AppointmentTransaction(ctx, "iCalendar feed");
		List<VEvent> all = calendar.getComponents(Component.VEVENT);
		for (VEvent event : all) {
			String uid = null;
			int sequence = 0;
			try {
				uid = IcalEventToFhirAppointmentMapper.uid(event);
				sequence = IcalEventToFhirAppointmentMapper.sequence(event);
				Integer before = known.get(uid);
				if ((before != null && sequence <= before) || (changed.containsKey(uid) && sequence <= changed.get(uid))) {
					continue;
				}
				IcalEventToFhirAppointmentMapper.map(event, floating, tx);
				changed.put(uid, sequence);
				events.put(uid, event);
			}
			catch (SchedulingMappingException e) {
				dead(instance, event, e.getMessage());
				if (uid != null && !e.getMessage().startsWith("HUB-5051")) {
					// Dead-lettered once; the source fixes it by publishing a higher SEQUENCE.
					record(instance.id(), uid, sequence);
					known.put(uid, sequence);
				}
			}
		}
		if (!changed.isEmpty()) {
			try {
				hubs.of(instance).transaction(tx.build());
				changed.forEach((uid, seq) -> record(instance.id(), uid, seq));
			}
			catch (HubClient.HubRejectedException e) {
				oneByOne(instance, ctx, floating, events, changed);
			}
		}
		state.read(instance.id(), STATE_TYPE, all.size());
		state.pageCommitted(instance.id(), STATE_TYPE, null, changed.size());
		log.info("connector {}: {} event(s) in the feed, {} new or changed", instance.id(), all.size(), changed.size());
	}

	private void oneByOne(ConnectorsProperties.Instance instance, SchedulingContext ctx, ZoneId floating,
			Map<String, VEvent> events, Map<String, Integer> sequences) throws InterruptedException {
		for (Map.Entry<String, VEvent> e : events.entrySet()) {
			AppointmentTransaction single = new AppointmentTransaction(ctx, "iCalendar feed");
			IcalEventToFhirAppointmentMapper.map(e.getValue(), floating, single);
			try {
				hubs.of(instance).transaction(single.build());
				record(instance.id(), e.getKey(), sequences.get(e.getKey()));
			}
			catch (HubClient.HubRejectedException rejected) {
				dead(instance, e.getValue(), rejected.getMessage());
			}
		}
	}

	private Map<String, Integer> known(String instance) {
		Map<String, Integer> known = new ConcurrentHashMap<>();
		jdbc.sql("select uid, sequence from ical_event where instance = ?").param(instance)
				.query(rs -> {
					known.put(rs.getString(1), rs.getInt(2));
				});
		return known;
	}

	private void record(String instance, String uid, int sequence) {
		jdbc.sql("""
				insert into ical_event (instance, uid, sequence) values (?, ?, ?)
				on conflict (instance, uid) do update set sequence = greatest(ical_event.sequence, excluded.sequence),
				  loaded_at = now()""")
				.params(instance, uid, sequence).update();
	}

	private void dead(ConnectorsProperties.Instance instance, VEvent event, String error) {
		String uid = event.getProperty("UID").map(p -> ((net.fortuna.ical4j.model.Property) p).getValue()).orElse("(no UID)");
		String code = error.startsWith("HUB-") ? error.substring(0, 8) : "HUB-5046";
		deadLetters.add(instance.id(), uid, TYPE + "/" + uid, "ical-vevent", event.toString(), code, error);
	}
}
