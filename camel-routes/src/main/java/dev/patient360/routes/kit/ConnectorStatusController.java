package dev.patient360.routes.kit;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Every configured pull-connector instance with its per-resource-type state. Under {@code /api/**},
 * so only for the admin role, like the dead-letter API.
 */
@RestController
@RequestMapping("/api/connectors")
public class ConnectorStatusController {

	/** {@code progress}: what a type reports about a run in progress (e.g. a bulk export job); null when none. */
	public record Status(String id, String type, String sourceSystem, String baseUrl, String schedule,
			List<ConnectorState.Row> resourceTypes, Map<String, Object> progress) {
	}

	private final ConnectorsProperties props;
	private final ConnectorState state;
	private final List<ConnectorProgress> progress;

	ConnectorStatusController(ConnectorsProperties props, ConnectorState state, List<ConnectorProgress> progress) {
		this.props = props;
		this.state = state;
		this.progress = progress;
	}

	/** Public for ITs that check the status without an admin token (the HTTP security is tested with one). */
	@GetMapping
	public List<Status> list() {
		return props.instances().stream()
				.map(i -> new Status(i.id(), i.type(), i.sourceSystem(), i.baseUrl().toString(), i.schedule().toString(),
						state.rows(i.id()), progress.stream().filter(p -> p.type().equals(i.type()))
								.map(p -> p.progress(i.id())).flatMap(Optional::stream).findFirst().orElse(null)))
				.toList();
	}
}
