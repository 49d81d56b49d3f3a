package dev.patient360.routes.simulator;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * An iCalendar feed on WireMock ({@code GET /calendar.ics}, {@code text/calendar}), as a practice
 * calendar publishes it: one VEVENT per appointment with UID, SEQUENCE, STATUS, DTSTART/DTEND in a
 * TZID with its VTIMEZONE, ORGANIZER and ATTENDEE (mailto, CN) and LOCATION. Changes follow RFC 5545:
 * a reschedule or cancellation raises SEQUENCE; {@link #touch} changes text without raising it.
 */
public final class IcalFeedSimulator implements AutoCloseable {

	public static final String ORGANIZER = "front.desk@clinic.example.org";
	private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");
	private static final String ZONE = "America/New_York";

	private record Event(String uid, int sequence, String status, LocalDateTime start, Duration length,
			SyntheaPeople.Person person, String summary, String location, Instant stamp) {
	}

	private final WireMockServer server;
	private final Map<String, Event> events = new LinkedHashMap<>();
	public final AtomicInteger feedRequests = new AtomicInteger();

	public IcalFeedSimulator(int port) {
		server = new WireMockServer(options().port(port).bindAddress("127.0.0.1").extensions(new Feed()));
		server.start();
		server.stubFor(get(urlPathEqualTo("/calendar.ics")).willReturn(aResponse().withTransformers("ical-feed")));
	}

	public String feedUrl() {
		return "http://127.0.0.1:" + server.port() + "/calendar.ics";
	}

	/** Adds an appointment (local time in America/New_York); returns its UID. */
	public synchronized String add(SyntheaPeople.Person person, LocalDateTime start, String summary) {
		String uid = UUID.randomUUID() + "@clinic.example.org";
		events.put(uid, new Event(uid, 0, "CONFIRMED", start, Duration.ofMinutes(20), person, summary, "Room 2, Main Street Clinic",
				Instant.now()));
		return uid;
	}

	public synchronized void reschedule(String uid, LocalDateTime newStart) {
		Event e = events.get(uid);
		events.put(uid, new Event(uid, e.sequence() + 1, e.status(), newStart, e.length(), e.person(), e.summary(), e.location(),
				Instant.now()));
	}

	public synchronized void cancel(String uid) {
		Event e = events.get(uid);
		events.put(uid, new Event(uid, e.sequence() + 1, "CANCELLED", e.start(), e.length(), e.person(), e.summary(),
				e.location(), Instant.now()));
	}

	/** Changes the summary without raising SEQUENCE: consumers must ignore it. */
	public synchronized void touch(String uid, String summary) {
		Event e = events.get(uid);
		events.put(uid, new Event(uid, e.sequence(), e.status(), e.start(), e.length(), e.person(), summary, e.location(),
				Instant.now()));
	}

	public synchronized int size() {
		return events.size();
	}

	public synchronized String body() {
		StringBuilder s = new StringBuilder();
		line(s, "BEGIN:VCALENDAR");
		line(s, "VERSION:2.0");
		line(s, "PRODID:-//Patient 360 Hub//iCal feed simulator//EN");
		line(s, "CALSCALE:GREGORIAN");
		line(s, "BEGIN:VTIMEZONE");
		line(s, "TZID:" + ZONE);
		line(s, "BEGIN:STANDARD");
		line(s, "DTSTART:19701101T020000");
		line(s, "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU");
		line(s, "TZOFFSETFROM:-0400");
		line(s, "TZOFFSETTO:-0500");
		line(s, "TZNAME:EST");
		line(s, "END:STANDARD");
		line(s, "BEGIN:DAYLIGHT");
		line(s, "DTSTART:19700308T020000");
		line(s, "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU");
		line(s, "TZOFFSETFROM:-0500");
		line(s, "TZOFFSETTO:-0400");
		line(s, "TZNAME:EDT");
		line(s, "END:DAYLIGHT");
		line(s, "END:VTIMEZONE");
		for (Event e : events.values()) {
			line(s, "BEGIN:VEVENT");
			line(s, "UID:" + e.uid());
			line(s, "SEQUENCE:" + e.sequence());
			line(s, "DTSTAMP:" + LOCAL.format(e.stamp().atOffset(ZoneOffset.UTC)) + "Z");
			line(s, "LAST-MODIFIED:" + LOCAL.format(e.stamp().atOffset(ZoneOffset.UTC)) + "Z");
			line(s, "STATUS:" + e.status());
			line(s, "SUMMARY:" + e.summary());
			line(s, "DTSTART;TZID=" + ZONE + ":" + LOCAL.format(e.start()));
			line(s, "DTEND;TZID=" + ZONE + ":" + LOCAL.format(e.start().plus(e.length())));
			line(s, "LOCATION:" + e.location().replace(",", "\\,"));
			line(s, "ORGANIZER;CN=Front Desk:mailto:" + ORGANIZER);
			line(s, "ATTENDEE;CN=" + e.person().name() + ";ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:" + e.person().email());
			line(s, "END:VEVENT");
		}
		line(s, "END:VCALENDAR");
		return s.toString();
	}

	static ZoneId zone() {
		return ZoneId.of(ZONE);
	}

	private static void line(StringBuilder s, String l) {
		s.append(l).append("\r\n");
	}

	@Override
	public void close() {
		server.stop();
	}

	private final class Feed implements ResponseDefinitionTransformerV2 {

		@Override
		public String getName() {
			return "ical-feed";
		}

		@Override
		public boolean applyGlobally() {
			return false;
		}

		@Override
		public ResponseDefinition transform(ServeEvent event) {
			feedRequests.incrementAndGet();
			return new ResponseDefinitionBuilder().withStatus(200).withHeader("Content-Type", "text/calendar; charset=utf-8")
					.withBody(body()).build();
		}
	}
}
