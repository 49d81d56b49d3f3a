package dev.patient360.routes.scheduling;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;

import dev.patient360.routes.testsupport.Golden;
import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.model.Component;
import net.fortuna.ical4j.model.component.VEvent;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each feed under {@code src/test/resources/scheduling/ical/} maps to exactly the transaction in
 * {@code scheduling/golden/ical-<name>.json}, and every resource in it is valid.
 */
class IcalEventToFhirAppointmentMapperTest {

	private static final Path IN = Path.of("src/test/resources/scheduling/ical");
	private static final Path GOLDEN = Path.of("src/test/resources/scheduling/golden");

	@ParameterizedTest
	@ValueSource(strings = {"event-confirmed-with-tzid", "event-cancelled-sequence-2-summer-time",
			"event-tentative-utc-with-duration"})
	void eventMapsToItsGoldenTransactionOfValidResources(String name) throws Exception {
		Bundle bundle = map(event(name));

		Golden.assertMatches(bundle, GOLDEN.resolve("ical-" + name + ".json"));
		assertThat(Golden.validationErrors(bundle)).isEmpty();
	}

	@Test
	void timesKeepTheirZoneOffsetAndStatusAndSequenceAreRead() throws Exception {
		Appointment winter = appointment(map(event("event-confirmed-with-tzid")));
		assertThat(winter.getStartElement().getValueAsString()).isEqualTo("2026-12-03T09:00:00-05:00");
		assertThat(winter.getEndElement().getValueAsString()).isEqualTo("2026-12-03T09:20:00-05:00");
		assertThat(winter.getStatus()).isEqualTo(Appointment.AppointmentStatus.BOOKED);

		VEvent cancelled = event("event-cancelled-sequence-2-summer-time");
		assertThat(IcalEventToFhirAppointmentMapper.sequence(cancelled)).isEqualTo(2);
		Appointment summer = appointment(map(cancelled));
		assertThat(summer.getStartElement().getValueAsString()).isEqualTo("2026-06-12T14:30:00-04:00");
		assertThat(summer.getStatus()).isEqualTo(Appointment.AppointmentStatus.CANCELLED);

		Appointment tentative = appointment(map(event("event-tentative-utc-with-duration")));
		assertThat(tentative.getStatus()).isEqualTo(Appointment.AppointmentStatus.PENDING);
		assertThat(tentative.getStartElement().getValueAsString()).isEqualTo("2026-12-10T15:00:00+00:00");
		assertThat(tentative.getMinutesDuration()).isEqualTo(45);
	}

	@Test
	void anEventWithoutUidOrStartIsRefusedWithItsCodeAndOneWithoutSequenceCountsAsZero() throws Exception {
		String ics = Files.readString(IN.resolve("event-tentative-utc-with-duration.ics"));
		assertThatThrownBy(() -> map(parse(ics.replaceAll("UID:.*\\r?\\n", ""))))
				.hasMessageStartingWith("HUB-5050");
		assertThatThrownBy(() -> map(parse(ics.replaceAll("DTSTART:.*\\r?\\n", ""))))
				.hasMessageStartingWith("HUB-5052");
		assertThat(IcalEventToFhirAppointmentMapper.sequence(parse(ics.replaceAll("SEQUENCE:.*\\r?\\n", "")))).isZero();
	}

	private static Bundle map(VEvent event) {
		AppointmentTransaction tx = new AppointmentTransaction(new SchedulingContext("ical-1", "demo-ical",
				"https://fhir.patient360.dev/source/demo-ical/"), "iCalendar feed");
		IcalEventToFhirAppointmentMapper.map(event, ZoneId.of("UTC"), tx);
		return tx.build();
	}

	private static Appointment appointment(Bundle b) {
		return b.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(Appointment.class::isInstance)
				.map(Appointment.class::cast).findFirst().orElseThrow();
	}

	private static VEvent event(String name) throws Exception {
		return parse(Files.readString(IN.resolve(name + ".ics")));
	}

	private static VEvent parse(String ics) throws Exception {
		return new CalendarBuilder().build(new StringReader(ics)).<VEvent>getComponents(Component.VEVENT).get(0);
	}
}
