package dev.patient360.routes.scheduling;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patient360.routes.testsupport.Golden;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each file under {@code src/test/resources/scheduling/calcom-slots/} holds the Cal.com API v2 answers
 * of one event type ({@code /v2/me}, {@code /v2/event-types/{id}}, {@code /v2/slots}), the zone asked
 * for and the times the hub held as free; it maps to exactly {@code scheduling/golden/calcom-slots-<name>.json},
 * every resource valid.
 */
class CalComSlotsToFhirSlotMapperTest {

	private static final Path IN = Path.of("src/test/resources/scheduling/calcom-slots");
	private static final Path GOLDEN = Path.of("src/test/resources/scheduling/golden");
	private final ObjectMapper json = new ObjectMapper();

	@ParameterizedTest
	@ValueSource(strings = {"range-format-owner-and-clinic-address", "time-format-online-one-time-no-longer-offered"})
	void availabilityMapsToItsGoldenTransactionOfValidResources(String name) throws Exception {
		Bundle tx = map(json.readTree(IN.resolve(name + ".json").toFile())).transaction();

		Golden.assertMatches(tx, GOLDEN.resolve("calcom-slots-" + name + ".json"));
		assertThat(Golden.validationErrors(tx)).isEmpty();
	}

	@Test
	void offeredTimesAreFreeInTheAnsweredOffsetAndTheScheduleActsForTheOwnerAndThePlace() throws Exception {
		CalComSlotsToFhirSlotMapper.Result r = map(json.readTree(IN.resolve("range-format-owner-and-clinic-address.json").toFile()));

		List<Slot> slots = resources(r.transaction(), Slot.class);
		assertThat(slots).hasSize(3).allMatch(s -> s.getStatus() == Slot.SlotStatus.FREE);
		assertThat(slots.get(0).getStartElement().getValueAsString()).isEqualTo("2026-12-03T09:00:00+01:00");
		assertThat(slots.get(0).getIdentifierFirstRep().getValue()).isEqualTo("7/2026-12-03T08:00:00Z");
		Schedule schedule = resources(r.transaction(), Schedule.class).get(0);
		assertThat(schedule.getActor()).hasSize(2);
		assertThat(schedule.getIdentifierFirstRep().getValue()).isEqualTo("7");
		assertThat(r.offered()).hasSize(3);
		assertThat(r.busy()).isEmpty();
	}

	@Test
	void aHeldFreeTimeNoLongerOfferedBecomesBusyAndOneStillOfferedStaysFreeOnce() throws Exception {
		CalComSlotsToFhirSlotMapper.Result r = map(json.readTree(IN.resolve("time-format-online-one-time-no-longer-offered.json").toFile()));

		List<Slot> slots = resources(r.transaction(), Slot.class);
		assertThat(slots).hasSize(3);
		Slot busy = slots.stream().filter(s -> s.getStatus() == Slot.SlotStatus.BUSY).findFirst().orElseThrow();
		assertThat(busy.getStartElement().getValueAsString()).isEqualTo("2026-07-01T03:00:00-04:00");
		assertThat(busy.getComment()).isEqualTo(CalComSlotsToFhirSlotMapper.NO_LONGER_OFFERED);
		// Without an end the API answered in its default format: start + lengthInMinutes.
		Slot free = slots.stream().filter(s -> s.getStartElement().getValueAsString().equals("2026-07-01T04:00:00-04:00")).findFirst()
				.orElseThrow();
		assertThat(free.getEndElement().getValueAsString()).isEqualTo("2026-07-01T04:30:00-04:00");
		assertThat(r.busy()).extracting(CalComSlotsToFhirSlotMapper.SlotTime::start).containsExactly(Instant.parse("2026-07-01T07:00:00Z"));
	}

	@Test
	void theSameAnswersMapToTheSameTransactionSoARepeatedPullWritesNothingNew() throws Exception {
		JsonNode in = json.readTree(IN.resolve("range-format-owner-and-clinic-address.json").toFile());
		assertThat(map(in).transaction().equalsDeep(map(in.deepCopy()).transaction())).isTrue();
	}

	@Test
	void anEventTypeWithoutOwnerOrPlaceOrASlotWithoutStartIsRefusedWithItsCode() throws Exception {
		ObjectNode in = (ObjectNode) json.readTree(IN.resolve("range-format-owner-and-clinic-address.json").toFile());
		ObjectNode noActor = in.deepCopy();
		noActor.remove("me");
		((ObjectNode) noActor.path("eventType").path("data")).putArray("locations");
		assertThatThrownBy(() -> map(noActor)).hasMessageStartingWith("HUB-5049");
		ObjectNode noStart = in.deepCopy();
		((ObjectNode) noStart.path("slots").path("data").path("2026-12-04").get(0)).remove("start");
		assertThatThrownBy(() -> map(noStart)).hasMessageStartingWith("HUB-5048");
	}

	private static CalComSlotsToFhirSlotMapper.Result map(JsonNode in) {
		List<CalComSlotsToFhirSlotMapper.SlotTime> held = new ArrayList<>();
		for (JsonNode h : in.path("heldFree")) {
			held.add(new CalComSlotsToFhirSlotMapper.SlotTime(Instant.parse(h.path("start").asText()), Instant.parse(h.path("end").asText())));
		}
		return CalComSlotsToFhirSlotMapper.map(in.path("eventType").path("data"), in.path("me").path("data"),
				in.path("slots").path("data"), held, ZoneId.of(in.path("timeZone").asText()), CalComBookingToFhirAppointmentMapperTest.CTX);
	}

	private static <T> List<T> resources(Bundle tx, Class<T> type) {
		return tx.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(type::isInstance).map(type::cast).toList();
	}
}
