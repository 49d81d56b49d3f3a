package dev.patient360.hub.db;

import java.util.Set;

import javax.sql.DataSource;

import ca.uhn.fhir.jpa.migrate.DriverTypeEnum;
import ca.uhn.fhir.jpa.migrate.HapiMigrator;
import ca.uhn.fhir.jpa.migrate.MigrationResult;
import ca.uhn.fhir.jpa.migrate.tasks.HapiFhirJpaMigrationTasks;
import ca.uhn.fhir.util.VersionEnum;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and upgrades the HAPI schema with HAPI's own migration tasks, the same ones its CLI runs,
 * so an empty database and one from an older hub end at the same schema. Hibernate never alters
 * tables ({@code hbm2ddl.auto=none}).
 */
public final class SchemaMigration {

	/** HAPI's own name for its migration table, so the HAPI CLI sees the same history. */
	static final String MIGRATION_TABLE = "FLY_HFJ_MIGRATION";
	private static final Logger log = LoggerFactory.getLogger(SchemaMigration.class);

	private final DataSource dataSource;

	SchemaMigration(DataSource dataSource) {
		this.dataSource = dataSource;
	}

	/** Runs every pending migration task; a no-op on an up-to-date schema. */
	public void migrate() {
		long start = System.nanoTime();
		HapiMigrator migrator = new HapiMigrator(MIGRATION_TABLE, dataSource, DriverTypeEnum.POSTGRES_9_4);
		migrator.createMigrationTableIfRequired();
		migrator.addTasks(new HapiFhirJpaMigrationTasks(Set.of()).getAllTasks(VersionEnum.values()));
		long prepared = System.nanoTime();
		MigrationResult result = migrator.migrate();
		log.info("Schema up to date: {} migration tasks applied in {} ms (preparing {} ms)",
				result.succeededTasks.size(), (System.nanoTime() - start) / 1_000_000,
				(prepared - start) / 1_000_000);
	}
}
