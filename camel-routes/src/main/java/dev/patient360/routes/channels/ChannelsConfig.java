package dev.patient360.routes.channels;

import java.time.Clock;

import dev.patient360.routes.RoutesProperties;
import dev.patient360.routes.common.HubClient;
import dev.patient360.routes.common.HubClientProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The channels' time source (the system clock, replaced in tests by one they move) and hub client. */
@Configuration(proxyBeanMethods = false)
class ChannelsConfig {

	@Bean
	@ConditionalOnMissingBean(Clock.class)
	Clock clock() {
		return Clock.systemUTC();
	}

	@Bean
	ChannelsHub channelsHub(ChannelsProperties channels, RoutesProperties routes, HubClientProperties auth, HubClient appClient) {
		if (!channels.ownClient()) {
			return new ChannelsHub(appClient);
		}
		return new ChannelsHub(HubClient.forClient(routes, new HubClientProperties(auth.tokenUrl(), channels.clientId(),
				channels.clientSecret(), auth.refreshBefore(), auth.requestTimeout())));
	}
}
