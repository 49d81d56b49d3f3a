package dev.patient360.hub.identity;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.sql.DataSource;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;

import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

@Configuration(proxyBeanMethods = false)
class PatientIndexConfig {

	@Bean
	PatientMatcher patientMatcher(PatientIndexProperties properties) {
		if (properties.rulesFile() == null || properties.rulesFile().isBlank()) {
			return new PatientMatcher(MatchRules.fromClasspath(MatchRules.DEFAULT_LOCATION));
		}
		try (InputStream in = Files.newInputStream(Path.of(properties.rulesFile()))) {
			return new PatientMatcher(MatchRules.read(in));
		}
		catch (IOException e) {
			throw new IllegalStateException("HUB_PATIENT_INDEX_RULES_FILE is not a readable match-rules file", e);
		}
	}

	@Bean
	PatientIndexStore patientIndexStore(DataSource dataSource) {
		PatientIndexStore store = new PatientIndexStore(dataSource);
		store.createTablesIfMissing();
		return store;
	}

	@Bean
	PatientIndex patientIndex(PatientMatcher matcher, PatientIndexStore store, DaoRegistry daos,
			PatientIndexProperties properties, PlatformTransactionManager transactionManager) {
		return new PatientIndex(matcher, store,
				new GoldenRecords(daos.getResourceDao(Patient.class), properties.trustedSources()),
				new IndexProvenance(daos.getResourceDao(Provenance.class), transactionManager));
	}

	@Bean
	PatientIndexInterceptor patientIndexInterceptor(PatientIndex index, PatientIndexProperties properties) {
		return new PatientIndexInterceptor(index, properties);
	}

	@Bean
	GoldenRecordSearchExpansion goldenRecordSearchExpansion(PatientIndex index) {
		return new GoldenRecordSearchExpansion(index);
	}

	@Bean(destroyMethod = "shutdown")
	PatientIndexBatch patientIndexBatch(PatientIndex index, DaoRegistry daos, DataSource dataSource,
			PlatformTransactionManager transactionManager, PatientIndexProperties properties) {
		return new PatientIndexBatch(index, daos.getResourceDao(Patient.class), dataSource, transactionManager,
				properties.batchSize());
	}

	/** An index switched on over existing data catches up by itself, in the background. */
	@Bean
	ApplicationListener<ApplicationReadyEvent> patientIndexCatchUp(PatientIndexBatch batch,
			PatientIndexProperties properties) {
		return event -> {
			if (properties.enabled()) {
				batch.submit();
			}
		};
	}

	@Bean
	PatientIndexOperations patientIndexOperations(PatientIndex index, DaoRegistry daos,
			PlatformTransactionManager transactionManager, PatientIndexBatch batch) {
		return new PatientIndexOperations(index, daos.getResourceDao(Patient.class), transactionManager, batch);
	}
}
