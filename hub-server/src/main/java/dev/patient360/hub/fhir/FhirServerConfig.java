package dev.patient360.hub.fhir;

import java.util.List;
import java.util.Properties;

import javax.sql.DataSource;

import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.binary.api.IBinaryStorageSvc;
import ca.uhn.fhir.jpa.binstore.DatabaseBinaryContentStorageSvcImpl;
import ca.uhn.fhir.jpa.config.HapiJpaConfig;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirPostgresDialect;
import ca.uhn.fhir.jpa.provider.IJpaSystemProvider;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.provider.ValueSetOperationProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import ca.uhn.fhir.narrative2.NullNarrativeGenerator;
import ca.uhn.fhir.parser.StrictErrorHandler;
import ca.uhn.fhir.rest.server.HardcodedServerAddressStrategy;
import ca.uhn.fhir.rest.server.IncomingRequestAddressStrategy;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.interceptor.IServerInterceptor;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;

import dev.patient360.hub.db.SchemaMigration;
import jakarta.persistence.EntityManagerFactory;

import org.hibernate.cfg.AvailableSettings;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;
import org.springframework.transaction.annotation.EnableTransactionManagement;

/**
 * Wires HAPI FHIR's JPA server for R4 and serves it at {@code /fhir}. Features of the hub (security,
 * audit, identity, engagement) plug in as interceptor or provider beans; this class only assembles.
 */
@Configuration(proxyBeanMethods = false)
@EnableTransactionManagement
@Import({
		JpaR4Config.class,
		HapiJpaConfig.class,
		JpaBatch2Config.class,
		Batch2JobsConfig.class,
		ThreadPoolFactoryConfig.class,
		// In-JVM message channels for HAPI's batch jobs (and later subscriptions); one hub replica
		// needs no external broker.
		SubscriptionChannelConfig.class
})
class FhirServerConfig {

	static final String FHIR_PATH = "/fhir";

	@Primary
	@Bean
	LocalContainerEntityManagerFactoryBean entityManagerFactory(DataSource dataSource,
			SchemaMigration migratedSchema, ConfigurableListableBeanFactory beanFactory,
			FhirContext fhirContext, JpaStorageSettings storageSettings) {
		LocalContainerEntityManagerFactoryBean emf =
				HapiEntityManagerFactoryUtil.newEntityManagerFactory(beanFactory, fhirContext, storageSettings);
		emf.setPersistenceUnitName("HAPI_PU");
		emf.setDataSource(dataSource);
		emf.setJpaProperties(hibernateProperties());
		return emf;
	}

	private static Properties hibernateProperties() {
		Properties p = new Properties();
		p.put(AvailableSettings.DIALECT, HapiFhirPostgresDialect.class.getName());
		// The schema belongs to HAPI's migration tasks (SchemaMigration), never to Hibernate.
		p.put(AvailableSettings.HBM2DDL_AUTO, "none");
		// One transaction bundle writes hundreds of index rows; batching them (with pgjdbc's
		// reWriteBatchedInserts) turns hundreds of round trips into a few.
		p.put(AvailableSettings.STATEMENT_BATCH_SIZE, "100");
		p.put(AvailableSettings.ORDER_INSERTS, "true");
		p.put(AvailableSettings.ORDER_UPDATES, "true");
		p.put(AvailableSettings.BATCH_VERSIONED_DATA, "true");
		p.put(AvailableSettings.SHOW_SQL, "false");
		p.put(AvailableSettings.FORMAT_SQL, "false");
		p.put(AvailableSettings.USE_SECOND_LEVEL_CACHE, "false");
		p.put(AvailableSettings.USE_QUERY_CACHE, "false");
		p.put(AvailableSettings.USE_STRUCTURED_CACHE, "false");
		p.put(AvailableSettings.USE_MINIMAL_PUTS, "false");
		p.put(AvailableSettings.SCANNER, "org.hibernate.boot.archive.scan.internal.DisabledScanner");
		// Hibernate Search (Lucene/Elasticsearch) is not used: all search is SQL on PostgreSQL.
		p.put("hibernate.search.enabled", "false");
		return p;
	}

	@Primary
	@Bean
	JpaTransactionManager transactionManager(EntityManagerFactory entityManagerFactory) {
		return new JpaTransactionManager(entityManagerFactory);
	}

	@Bean
	IBinaryStorageSvc binaryStorageSvc() {
		return new DatabaseBinaryContentStorageSvcImpl();
	}

	@Bean
	RestfulServer restfulServer(IFhirSystemDao<?, ?> systemDao, ResourceProviderFactory resourceProviders,
			IJpaSystemProvider systemProvider, ValueSetOperationProvider valueSetProvider,
			DatabaseBackedPagingProvider pagingProvider, JpaStorageSettings storageSettings,
			ISearchParamRegistry searchParamRegistry, IValidationSupport validationSupport,
			DaoRegistry daoRegistry, HubFhirProperties props, List<HubInterceptor> interceptors,
			List<HubOperationProvider> operationProviders) {
		FhirContext ctx = systemDao.getContext();
		HapiJsonEncodingTuning.apply();
		// Narratives are the source's business; generating them on every write costs CPU for text
		// nobody reads through the hub.
		ctx.setNarrativeGenerator(new NullNarrativeGenerator());
		// An unknown element or a malformed value is an error the sender must hear about (400), not
		// something HAPI's lenient default silently drops from the stored record.
		ctx.setParserErrorHandler(new StrictErrorHandler());
		// Auto-containing walks every element of a resource on every encode, looking for in-memory
		// Reference.resource objects without an id; resources parsed from requests never carry those.
		// It was ~9 % of the hub's CPU in the ingest profile. Explicitly contained resources are kept.
		ctx.getParserOptions().setAutoContainReferenceTargetsWithNoId(false);

		RestfulServer server = new RestfulServer(ctx);
		server.registerProviders(resourceProviders.createProviders());
		server.registerProvider(systemProvider);
		server.registerProvider(valueSetProvider);
		operationProviders.forEach(server::registerProvider);

		JpaCapabilityStatementProvider capabilities = new JpaCapabilityStatementProvider(
				server, systemDao, storageSettings, searchParamRegistry, validationSupport);
		capabilities.setImplementationDescription("Patient 360 Hub");
		server.setServerConformanceProvider(capabilities);
		server.setServerName("Patient 360 Hub");

		pagingProvider.setDefaultPageSize(props.defaultPageSize());
		pagingProvider.setMaximumPageSize(props.maxPageSize());
		server.setPagingProvider(pagingProvider);
		server.setDefaultResponseEncoding(ca.uhn.fhir.rest.api.EncodingEnum.JSON);
		server.setServerAddressStrategy(props.serverAddress() == null || props.serverAddress().isBlank()
				? new IncomingRequestAddressStrategy()
				: new HardcodedServerAddressStrategy(props.serverAddress()));
		interceptors.forEach(server::registerInterceptor);
		return server;
	}

	@Bean
	ServletRegistrationBean<RestfulServer> fhirServlet(RestfulServer server) {
		ServletRegistrationBean<RestfulServer> registration =
				new ServletRegistrationBean<>(server, FHIR_PATH + "/*");
		registration.setName("fhir");
		registration.setLoadOnStartup(1);
		return registration;
	}
}
