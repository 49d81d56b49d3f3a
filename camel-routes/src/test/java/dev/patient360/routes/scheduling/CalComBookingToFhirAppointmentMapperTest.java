package dev.patient360.routes.scheduling;

import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patient360.routes.testsupport.Golden;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each Cal.com booking under {@code src/test/resources/scheduling/calcom/} maps to exactly the
 * transaction in {@code scheduling/golden/<name>.json}, and every resource in it is valid.
 */
class CalComBookingToFhirAppointmentMapperTest {

	static final SchedulingContext CTX = new SchedulingContext("calcom-1", "demo-scheduling",
			"https://fhir.patient360.dev/source/demo-scheduling/");
	private static final Path IN = Path.of("src/test/resources/scheduling/calcom");
	private static final Path GOLDEN = Path.of("src/test/resources/scheduling/golden");
	private final ObjectMapper json = new ObjectMapper();

	@ParameterizedTest
	@ValueSource(strings = {"booking-accepted-host-in-berlin", "booking-rescheduled-successor-online",
			"booking-cancelled-with-reason", "booking-accepted-every-attendee-absent", "webhook-booking-created"})
	void bookingMapsToItsGoldenTransactionOfValidResources(String name) throws Exception {
		JsonNode booking = json.readTree(IN.resolve(name + ".json").toFile());
		if (booking.has("triggerEvent")) {
			booking = booking.path("payload");
		}
		AppointmentTransaction tx = new AppointmentTransaction(CTX, "Cal.com bookings");

		assertThat(CalComBookingToFhirAppointmentMapper.map(booking, tx)).isTrue();

		Bundle bundle = tx.build();
		Golden.assertMatches(bundle, GOLDEN.resolve("calcom-" + name + ".json"));
		assertThat(Golden.validationErrors(bundle)).isEmpty();
	}

	@Test
	void statusTimesAndKeysFollowTheBooking() throws Exception {
		Appointment accepted = appointment("booking-accepted-host-in-berlin");
		assertThat(accepted.getStatus()).isEqualTo(Appointment.AppointmentStatus.BOOKED);
		// 14:00Z shown in the organizer's zone (Berlin, winter): same instant, +01:00.
		assertThat(accepted.getStartElement().getValueAsString()).isEqualTo("2026-12-03T15:00:00+01:00");
		assertThat(accepted.getMinutesDuration()).isEqualTo(30);

		Appointment successor = appointment("booking-rescheduled-successor-online");
		assertThat(successor.getIdentifier()).extracting(i -> i.getValue())
				.containsExactly("bk8Qm2rTz5WcLx1eYv3NaP", "rs4Fh7Kq2LpWn9Xc0VbT3e");

		assertThat(appointment("booking-cancelled-with-reason").getStatus()).isEqualTo(Appointment.AppointmentStatus.CANCELLED);
		assertThat(appointment("booking-accepted-every-attendee-absent").getStatus()).isEqualTo(Appointment.AppointmentStatus.NOSHOW);
	}

	@Test
	void aBookingReplacedByARescheduleIsSkippedSoItsSuccessorKeepsTheAppointment() throws Exception {
		ObjectNode replaced = (ObjectNode) json.readTree(IN.resolve("booking-accepted-host-in-berlin.json").toFile());
		replaced.put("status", "cancelled").put("rescheduledToUid", "rs4Fh7Kq2LpWn9Xc0VbT3e");
		AppointmentTransaction tx = new AppointmentTransaction(CTX, "Cal.com bookings");

		assertThat(CalComBookingToFhirAppointmentMapper.map(replaced, tx)).isFalse();
		assertThat(tx.build().getEntry()).isEmpty();
	}

	@Test
	void theSameBookingMapsToTheSameTransactionAndAChangeChangesTheProvenance() throws Exception {
		JsonNode booking = json.readTree(IN.resolve("booking-accepted-host-in-berlin.json").toFile());
		Bundle a = map(booking);
		Bundle b = map(booking.deepCopy());
		assertThat(a.equalsDeep(b)).isTrue();
		ObjectNode changed = booking.deepCopy();
		changed.put("updatedAt", "2026-11-21T10:00:00.000Z");
		assertThat(map(changed).getEntry().get(a.getEntry().size() - 1).getRequest().getUrl())
				.isNotEqualTo(a.getEntry().get(a.getEntry().size() - 1).getRequest().getUrl());
	}

	@Test
	void aBookingWithoutUidOrAttendeeEmailOrValidTimesIsRefusedWithItsCode() throws Exception {
		ObjectNode booking = (ObjectNode) json.readTree(IN.resolve("booking-accepted-host-in-berlin.json").toFile());
		ObjectNode noUid = booking.deepCopy();
		noUid.remove("uid");
		assertThatThrownBy(() -> map(noUid)).hasMessageStartingWith("HUB-5040");
		ObjectNode noEmail = booking.deepCopy();
		((ObjectNode) noEmail.path("attendees").get(0)).remove("email");
		assertThatThrownBy(() -> map(noEmail)).hasMessageStartingWith("HUB-5042");
		ObjectNode backwards = booking.deepCopy();
		backwards.put("end", "2026-12-03T13:00:00.000Z");
		assertThatThrownBy(() -> map(backwards)).hasMessageStartingWith("HUB-5043");
		ObjectNode unknown = booking.deepCopy();
		unknown.put("status", "teleported");
		assertThatThrownBy(() -> map(unknown)).hasMessageStartingWith("HUB-5041");
	}

	private Appointment appointment(String name) throws Exception {
		JsonNode booking = json.readTree(IN.resolve(name + ".json").toFile());
		return map(booking).getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
				.filter(Appointment.class::isInstance).map(Appointment.class::cast).findFirst().orElseThrow();
	}

	private static Bundle map(JsonNode booking) {
		AppointmentTransaction tx = new AppointmentTransaction(CTX, "Cal.com bookings");
		CalComBookingToFhirAppointmentMapper.map(booking, tx);
		return tx.build();
	}

}
