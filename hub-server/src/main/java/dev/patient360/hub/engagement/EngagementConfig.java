package dev.patient360.hub.engagement;

import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import dev.patient360.hub.identity.PatientIndex;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

@Configuration(proxyBeanMethods = false)
class EngagementConfig {

	/** Bump when a rule's code changes, so the next start recomputes every Patient. */
	static final String RULES_CODE_VERSION = "2";

	@Bean
	JourneyStageRules journeyStageRules(EngagementProperties properties) {
		return new JourneyStageRules(properties.journeyOrder());
	}

	@Bean
	SegmentGroups segmentGroups(DaoRegistry daos, DataSource dataSource, PlatformTransactionManager transactions,
			ObjectProvider<Clock> clock) {
		SegmentGroups groups = new SegmentGroups(daos.getResourceDao(Group.class), dataSource, transactions,
				clockOf(clock));
		groups.createTableIfMissing();
		return groups;
	}

	@Bean
	EngagementService engagementService(DaoRegistry daos, DataSource dataSource, PatientIndex index,
			JourneyStageRules rules, SegmentGroups groups, EngagementProperties properties, ObjectProvider<Clock> clock) {
		return new EngagementService(daos.getResourceDao(Patient.class), index,
				new EngagementFactsCollector(daos, dataSource, clockOf(clock), properties), rules,
				new SegmentRules(properties.segments()), new ValueScore(properties.value()), groups, clockOf(clock));
	}

	@Bean
	JourneyStageInterceptor journeyStageInterceptor(EngagementService service, PlatformTransactionManager transactions,
			EngagementProperties properties) {
		return new JourneyStageInterceptor(service, transactions, properties);
	}

	@Bean(destroyMethod = "shutdown")
	EngagementCatchUp engagementCatchUp(EngagementService service, SegmentGroups groups, DataSource dataSource,
			PlatformTransactionManager transactions, EngagementProperties properties, ObjectProvider<Clock> clock) {
		return new EngagementCatchUp(service, groups, dataSource, transactions, rulesHash(properties),
				properties.recomputeBatchSize(), clockOf(clock));
	}

	@Bean
	EngagementOperations engagementOperations(DaoRegistry daos, EngagementService service, EngagementCatchUp catchUp,
			ObjectProvider<Clock> clock) {
		return new EngagementOperations(daos, service, catchUp, clockOf(clock));
	}

	/** Applies recorded segment membership changes to the Groups every few seconds. */
	@Bean(destroyMethod = "shutdownNow")
	ScheduledExecutorService segmentGroupFlusher(SegmentGroups groups, EngagementProperties properties) {
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
			Thread t = new Thread(r, "segment-group-flush");
			t.setDaemon(true);
			return t;
		});
		long interval = properties.groupFlushIntervalMillis();
		executor.scheduleWithFixedDelay(groups::flushQuietly, interval, interval, TimeUnit.MILLISECONDS);
		return executor;
	}

	/** Rules changed since the last completed catch-up (or one was interrupted): recompute in the background. */
	@Bean
	ApplicationListener<ApplicationReadyEvent> engagementCatchUpAtStart(EngagementCatchUp catchUp,
			EngagementProperties properties) {
		return event -> {
			if (properties.enabled() && properties.recomputeOnRuleChange()) {
				catchUp.startIfRulesChanged();
			}
		};
	}

	/** The settings the rules depend on (not switches such as enabled or batch sizes) and the rules' code version. */
	static String rulesHash(EngagementProperties p) {
		return EngagementCatchUp.hash(String.join("|", RULES_CODE_VERSION, p.journeyOrder().toString(),
				p.lifestyleCarePlanCategories().toString(), p.chronicConditionCategories().toString(),
				p.programCarePlanCategories().toString(), p.programGroupCodes().toString(), p.segments().toString(),
				p.value().toString()));
	}

	private static Clock clockOf(ObjectProvider<Clock> clock) {
		return clock.getIfAvailable(Clock::systemUTC);
	}
}
