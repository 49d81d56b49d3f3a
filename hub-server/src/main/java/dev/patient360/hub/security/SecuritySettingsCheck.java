package dev.patient360.hub.security;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Checks the security settings before any other bean is made, so a hub without an issuer fails in
 * its first second with the reason ({@code HUB-2000}), not after starting its database and HAPI.
 */
@Configuration(proxyBeanMethods = false)
class SecuritySettingsCheck {

	@Bean
	static BeanFactoryPostProcessor hubSecuritySettingsCheck(Environment environment) {
		return beanFactory -> Binder.get(environment).bindOrCreate("hub.security", HubSecurityProperties.class);
	}
}
