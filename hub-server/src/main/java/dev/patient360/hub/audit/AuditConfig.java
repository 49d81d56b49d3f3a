package dev.patient360.hub.audit;

import java.time.Clock;

import javax.sql.DataSource;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;

import dev.patient360.hub.db.SchemaMigration;
import dev.patient360.hub.fhir.HubFhirProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.hl7.fhir.r4.model.AuditEvent;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/** Wires the audit trail: queue table, recorder, FHIR interceptor, refusal filter, drain. */
@Configuration(proxyBeanMethods = false)
class AuditConfig {

	/**
	 * Before the Spring Security filter chain (order -100), so refusals made there pass through
	 * this filter on the way out.
	 */
	static final int FILTER_ORDER = -101;
	static final String DEFAULT_OBSERVER = "patient360-hub";

	/** Created after HAPI's schema (the migration bean), like the rest of the hub's tables. */
	@Bean
	AuditQueue auditQueue(DataSource dataSource, SchemaMigration migratedSchema, HubAuditProperties props) {
		AuditQueue queue = new AuditQueue(dataSource, props.synchronousCommit());
		queue.createTableIfMissing();
		return queue;
	}

	@Bean
	AuditTrail auditTrail(AuditQueue queue, FhirContext fhirContext, HubAuditProperties props,
			HubFhirProperties fhirProps, MeterRegistry meters) {
		keepVersionedReferences(fhirContext);
		return new AuditTrail(queue, new AuditEventBuilder(observer(props, fhirProps)),
				new RequestFacts(fhirContext, Clock.systemUTC()), fhirContext, props.enabled(), meters);
	}

	@Bean
	AuditInterceptor auditInterceptor(AuditTrail trail) {
		return new AuditInterceptor(trail);
	}

	@Bean
	RecordsAboutResourcesNeverBlockDeletes recordsAboutResourcesNeverBlockDeletes(DataSource dataSource) {
		return new RecordsAboutResourcesNeverBlockDeletes(dataSource);
	}

	@Bean
	AuditEventsOutsideEverything auditEventsOutsideEverything(FhirContext fhirContext) {
		return new AuditEventsOutsideEverything(fhirContext);
	}

	@Bean
	FilterRegistrationBean<RefusedRequestAuditFilter> refusedRequestAuditFilter(AuditTrail trail) {
		FilterRegistrationBean<RefusedRequestAuditFilter> registration =
				new FilterRegistrationBean<>(new RefusedRequestAuditFilter(trail));
		registration.setOrder(FILTER_ORDER);
		registration.addUrlPatterns("/fhir", "/fhir/*");
		return registration;
	}

	@Bean
	AuditDrain auditDrain(AuditQueue queue, DaoRegistry daos, FhirContext fhirContext,
			PlatformTransactionManager transactions, HubAuditProperties props, MeterRegistry meters) {
		return new AuditDrain(queue, daos, fhirContext, transactions, props, meters);
	}

	/**
	 * HAPI drops the version of references when encoding; an audit record must say which version
	 * was read or written, so AuditEvent.entity.what keeps it (in the queue and when stored).
	 */
	static void keepVersionedReferences(FhirContext fhirContext) {
		java.util.Set<String> paths = new java.util.HashSet<>(
				fhirContext.getParserOptions().getDontStripVersionsFromReferencesAtPaths());
		paths.add("AuditEvent.entity.what");
		fhirContext.getParserOptions().setDontStripVersionsFromReferencesAtPaths(paths);
	}

	static String observer(HubAuditProperties props, HubFhirProperties fhirProps) {
		if (props.observer() != null && !props.observer().isBlank()) {
			return props.observer();
		}
		if (fhirProps.serverAddress() != null && !fhirProps.serverAddress().isBlank()) {
			return fhirProps.serverAddress();
		}
		return DEFAULT_OBSERVER;
	}
}
