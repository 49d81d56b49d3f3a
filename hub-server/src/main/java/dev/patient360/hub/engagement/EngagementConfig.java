package dev.patient360.hub.engagement;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import dev.patient360.hub.identity.PatientIndex;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

@Configuration(proxyBeanMethods = false)
class EngagementConfig {

	@Bean
	JourneyStageRules journeyStageRules(EngagementProperties properties) {
		return new JourneyStageRules(properties.journeyOrder());
	}

	@Bean
	JourneyStageService journeyStageService(DaoRegistry daos, PatientIndex index, JourneyStageRules rules,
			EngagementProperties properties) {
		return new JourneyStageService(daos.getResourceDao(Patient.class), index,
				new JourneyFactsCollector(daos, properties), rules);
	}

	@Bean
	JourneyStageInterceptor journeyStageInterceptor(JourneyStageService service, PlatformTransactionManager transactions,
			EngagementProperties properties) {
		return new JourneyStageInterceptor(service, transactions, properties);
	}
}
