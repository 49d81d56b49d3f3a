package dev.patient360.hub;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.elasticsearch.ElasticsearchClientAutoConfiguration;
import org.springframework.boot.autoconfigure.elasticsearch.ElasticsearchRestClientAutoConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration;
import org.springframework.boot.autoconfigure.quartz.QuartzAutoConfiguration;
import org.springframework.boot.autoconfigure.security.servlet.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.autoconfigure.thymeleaf.ThymeleafAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The hub: a HAPI FHIR R4 JPA server on PostgreSQL, served at {@code /fhir}.
 *
 * <p>Auto-configurations excluded here are replaced by the hub's own wiring: HAPI builds its own
 * entity manager factory, the schema is migrated by HAPI's migration tasks (not Flyway), and
 * Hibernate Search (Elasticsearch/Lucene) is not used, HAPI runs its own Quartz schedulers,
 * and callers are OAuth2 clients of Keycloak, never users with a password of the hub's own.
 */
@SpringBootApplication(exclude = {
		HibernateJpaAutoConfiguration.class,
		FlywayAutoConfiguration.class,
		ElasticsearchRestClientAutoConfiguration.class,
		ElasticsearchClientAutoConfiguration.class,
		ThymeleafAutoConfiguration.class,
		QuartzAutoConfiguration.class,
		UserDetailsServiceAutoConfiguration.class
})
@ConfigurationPropertiesScan
public class HubApplication {

	public static void main(String[] args) {
		SpringApplication.run(HubApplication.class, args);
	}
}
