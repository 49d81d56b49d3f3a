package dev.patient360.routes.scheduling;

import dev.patient360.routes.kit.ConnectorsProperties;

/**
 * What a scheduling mapper needs to know about the instance it maps for.
 *
 * @param connector instance id
 * @param sourceSystem source-system code stamped on every resource
 * @param identifierSystemPrefix prefix of the identifier systems that hold source keys
 *     ({@code booking}, {@code attendee-email}, {@code host-email}, {@code location}, {@code schedule},
 *     {@code slot} are appended)
 */
public record SchedulingContext(String connector, String sourceSystem, String identifierSystemPrefix) {

	public static SchedulingContext of(ConnectorsProperties.Instance instance) {
		return new SchedulingContext(instance.id(), instance.sourceSystem(), instance.options().getOrDefault(
				"identifier-system-prefix", "https://fhir.patient360.dev/source/" + instance.sourceSystem() + "/"));
	}

	public String bookingSystem() {
		return identifierSystemPrefix + "booking";
	}

	public String attendeeSystem() {
		return identifierSystemPrefix + "attendee-email";
	}

	public String hostSystem() {
		return identifierSystemPrefix + "host-email";
	}

	public String locationSystem() {
		return identifierSystemPrefix + "location";
	}

	/** Schedules, keyed by the source's event type id. */
	public String scheduleSystem() {
		return identifierSystemPrefix + "schedule";
	}

	/** Slots, keyed by {@code <event type id>/<start instant in UTC>}. */
	public String slotSystem() {
		return identifierSystemPrefix + "slot";
	}
}
