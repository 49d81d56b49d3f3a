package dev.patient360.hub.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Says, on every start with {@code HUB_SECURITY=disabled}, that the hub serves anyone everything. */
@Component
class SecurityDisabledWarning {

	private static final Logger log = LoggerFactory.getLogger(SecurityDisabledWarning.class);

	static final String MESSAGE = "SECURITY IS DISABLED (HUB_SECURITY=disabled): every caller can read and write "
			+ "every record without a token. Use this only for local development, never with real patient data.";

	private final HubSecurityProperties props;

	SecurityDisabledWarning(HubSecurityProperties props) {
		this.props = props;
		warnIfDisabled();
	}

	@EventListener(ApplicationReadyEvent.class)
	void warnIfDisabled() {
		if (!props.enabled()) {
			log.warn("****************************************************************************************");
			log.warn(MESSAGE);
			log.warn("****************************************************************************************");
		}
	}
}
