package dev.patient360.hub.authorization;

import ca.uhn.fhir.context.FhirContext;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class AccessPolicyConfig {

	@Bean
	AccessPolicy accessPolicy(FhirContext fhirContext, AuthorizationProperties properties) {
		return new AccessPolicy(new ResourceAccess(fhirContext), properties);
	}
}
