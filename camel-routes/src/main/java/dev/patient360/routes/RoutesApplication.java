package dev.patient360.routes;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The connector app: Camel routes that bring source systems' data into the hub. It runs beside
 * hub-server, not inside it, and reaches the hub only through its FHIR API (ADR 0002).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class RoutesApplication {

	public static void main(String[] args) {
		SpringApplication.run(RoutesApplication.class, args);
	}
}
