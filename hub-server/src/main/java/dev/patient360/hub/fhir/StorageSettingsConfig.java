package dev.patient360.hub.fhir;

import java.util.Set;

import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.config.SubscriptionSettings;
import ca.uhn.fhir.jpa.model.entity.ResourceEncodingEnum;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * HAPI's storage settings. Only what deviates from HAPI's defaults is set, each with its reason;
 * the hub's workload is whole patient histories arriving as transactions, read back by id and by
 * patient.
 */
@Configuration(proxyBeanMethods = false)
class StorageSettingsConfig {

	/** Bodies up to this size go to the text column; HAPI's default (0) puts every body in a LOB. */
	static final int INLINE_BODY_LIMIT = 64 * 1024 * 1024;

	@Bean
	JpaStorageSettings jpaStorageSettings(HubFhirProperties props) {
		JpaStorageSettings s = new JpaStorageSettings();
		// PostgreSQL large objects (oid) cost an extra round trip and a pg_largeobject write per
		// version, and JSONC gzips every body on write and read. An inline, uncompressed body in the
		// text column (TOAST still compresses it) was the largest CPU and I/O item in the ingest profile.
		s.setInlineResourceTextBelowSize(INLINE_BODY_LIMIT);
		s.setResourceEncoding(ResourceEncodingEnum.JSON);
		// No match-URL cache: a cache hit resolves a conditional create/update without the pre-show
		// checks every other read of a resource passes (authorization, consent), and with consent
		// enforcement on, a hit on a resource created by a conditional update answered 500. Each
		// conditional URL costs one indexed search instead (docs/security.md, "Authorization").
		s.setMatchUrlCacheEnabled(false);
		// Tags are used as markers of source and state, not as versioned data: storing them per
		// resource (not per version) saves a row per version and keeps _tag searches cheap.
		s.setTagStorageMode(JpaStorageSettings.TagStorageModeEnum.NON_VERSIONED);
		// Client-assigned ids: ALPHANUMERIC (HAPI default) or none. Never ANY, which would let a
		// client take a numeric id the server later assigns.
		s.setResourceClientIdStrategy(props.allowClientAssignedIds()
				? JpaStorageSettings.ClientIdStrategyEnum.ALPHANUMERIC
				: JpaStorageSettings.ClientIdStrategyEnum.NOT_ALLOWED);
		s.setFetchSizeDefaultMaximum(props.maxPageSize());
		// HAPI by default answers a repeated search from a 60 s result cache, so a client that writes
		// and then searches sees stale results. Sources and partners read their own writes here.
		s.setReuseCachedSearchResultsForMillis(null);
		// References to other servers (e.g. a source EHR's absolute URLs) are kept as they are rather
		// than rejected: sources send them and the record must not lose them.
		s.setAllowExternalReferences(true);
		// Expunge is how a data-protection erasure request is executed; it stays an explicit
		// operation ($expunge), never automatic.
		s.setExpungeEnabled(true);
		// An audit record names the patient it concerns; it must never stop that patient (or any
		// resource it names) from being deleted. Nor must a Provenance stop a record a source deleted
		// (pull connectors' Provenance targets whole batches): it stays as history of the deletion.
		s.setEnforceReferentialIntegrityOnDeleteDisableForPaths(Set.of("AuditEvent.entity.what", "AuditEvent.agent.who",
				"Provenance.target"));
		return s;
	}

	@Bean
	PartitionSettings partitionSettings() {
		return new PartitionSettings();
	}

	@Bean
	SubscriptionSettings subscriptionSettings() {
		return new SubscriptionSettings();
	}
}
