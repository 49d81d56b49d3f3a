package dev.patient360.hub.security;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The SMART discovery endpoint, beside HAPI's servlet. */
@Configuration(proxyBeanMethods = false)
class SecurityEndpointsConfig {

	@Bean
	ServletRegistrationBean<SmartConfigurationServlet> smartConfigurationServlet(OidcDiscovery discovery,
			ObjectMapper json, FhirContext fhirContext) {
		ServletRegistrationBean<SmartConfigurationServlet> registration = new ServletRegistrationBean<>(
				new SmartConfigurationServlet(discovery, json, fhirContext), SmartConfigurationServlet.PATH);
		registration.setName("smart-configuration");
		return registration;
	}
}
