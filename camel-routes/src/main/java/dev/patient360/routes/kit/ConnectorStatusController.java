package dev.patient360.routes.kit;

import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Every configured pull-connector instance with its per-resource-type state. Under {@code /api/**},
 * so only for the admin role, like the dead-letter API.
 */
@RestController
@RequestMapping("/api/connectors")
class ConnectorStatusController {

	record Status(String id, String type, String sourceSystem, String baseUrl, String schedule,
			List<ConnectorState.Row> resourceTypes) {
	}

	private final ConnectorsProperties props;
	private final ConnectorState state;

	ConnectorStatusController(ConnectorsProperties props, ConnectorState state) {
		this.props = props;
		this.state = state;
	}

	@GetMapping
	List<Status> list() {
		return props.instances().stream()
				.map(i -> new Status(i.id(), i.type(), i.sourceSystem(), i.baseUrl().toString(), i.schedule().toString(),
						state.rows(i.id())))
				.toList();
	}
}
