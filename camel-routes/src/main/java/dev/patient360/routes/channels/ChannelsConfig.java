package dev.patient360.routes.channels;

import java.time.Clock;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The channels' time source: the system clock, replaced in tests by one they move. */
@Configuration(proxyBeanMethods = false)
class ChannelsConfig {

	@Bean
	@ConditionalOnMissingBean(Clock.class)
	Clock clock() {
		return Clock.systemUTC();
	}
}
