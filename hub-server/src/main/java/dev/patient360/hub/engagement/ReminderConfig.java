package dev.patient360.hub.engagement;

import java.time.Clock;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import dev.patient360.hub.identity.PatientIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.transaction.PlatformTransactionManager;

/** Reminders, templates, tracked links and the population analytics (docs/engagement.md). */
@Configuration(proxyBeanMethods = false)
class ReminderConfig {

	private static final Logger log = LoggerFactory.getLogger(ReminderConfig.class);

	/**
	 * Checks the tracking settings before any other bean is made, so a hub without a tracking secret
	 * fails in its first second with the reason ({@code HUB-6023}), not after starting HAPI.
	 */
	@Bean
	static BeanFactoryPostProcessor trackingSettingsCheck(Environment environment) {
		return beanFactory -> {
			TrackingProperties tracking = Binder.get(environment).bindOrCreate("hub.engagement.tracking",
					TrackingProperties.class);
			if (tracking.usesDevSecret()) {
				log.warn("LINK TRACKING USES THE PUBLICLY KNOWN DEVELOPMENT SECRET "
						+ "(HUB_ENGAGEMENT_TRACKING_ALLOW_DEV_SECRET=true): anybody can forge opens and clicks. "
						+ "Local development only; set HUB_ENGAGEMENT_TRACKING_SECRET.");
			}
		};
	}

	/** The hub's time, one bean so tests can put a controllable clock in its place. */
	@Bean
	Clock hubClock() {
		return Clock.systemUTC();
	}

	@Bean
	TrackedLinks trackedLinks(TrackingProperties tracking) {
		return new TrackedLinks(tracking.effectiveSecret());
	}

	@Bean
	ReminderService reminderService(DaoRegistry daos, PatientIndex index, TrackedLinks links,
			ReminderProperties properties, TrackingProperties tracking, Clock clock) {
		return new ReminderService(daos, index, new ReminderTemplates(properties.templatesPath(), properties.language()),
				links, properties, tracking, clock);
	}

	@Bean
	ReminderInterceptor reminderInterceptor(ReminderService service, PlatformTransactionManager transactions,
			ReminderProperties properties) {
		return new ReminderInterceptor(service, transactions, properties);
	}

	@Bean
	@ConditionalOnProperty(name = "hub.engagement.tracking.enabled", havingValue = "true", matchIfMissing = true)
	TrackingController trackingController(TrackedLinks links, DaoRegistry daos, PlatformTransactionManager transactions,
			TrackingProperties tracking, Clock clock) {
		return new TrackingController(links, new TrackingService(daos, transactions, clock), tracking);
	}

	@Bean
	AnalyticsController analyticsController(DaoRegistry daos, ReminderProperties properties, FhirContext fhirContext) {
		return new AnalyticsController(new EngagementAnalytics(daos, properties.timeZone()), fhirContext);
	}
}
