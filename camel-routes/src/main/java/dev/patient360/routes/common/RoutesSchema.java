package dev.patient360.routes.common;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The connector app's tables, created with idempotent DDL at start (no migration tool: the schema
 * is small and only ever grows by new tables and {@code add column if not exists}).
 */
public final class RoutesSchema implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(RoutesSchema.class);
	private static final Duration MAX_RETRY_WAIT = Duration.ofSeconds(10);

	private static final String[] DDL = {
		"""
		create table if not exists hl7v2_inbox (
		  id bigserial primary key,
		  sender text not null,
		  control_id text not null,
		  message_type text not null,
		  patient_key text not null,
		  received_at timestamptz not null default now(),
		  sha256 text not null,
		  raw bytea not null,
		  status text not null default 'PENDING',
		  attempts int not null default 0,
		  next_attempt_at timestamptz not null default now(),
		  processed_at timestamptz,
		  last_error text,
		  unique (sender, control_id, sha256))
		""",
		"create index if not exists hl7v2_inbox_pending on hl7v2_inbox (patient_key, id) where status = 'PENDING'",
		// The processor reads pending rows in id order; without this it walks past every DONE row.
		"create index if not exists hl7v2_inbox_pending_id on hl7v2_inbox (id) where status = 'PENDING'",
		"""
		create table if not exists dead_letter (
		  id bigserial primary key,
		  connector text not null,
		  correlation_id text not null,
		  source_ref text,
		  message_type text,
		  raw bytea not null,
		  error_code text not null,
		  error text not null,
		  created_at timestamptz not null default now(),
		  status text not null default 'OPEN')
		""",
		"create index if not exists dead_letter_open on dead_letter (connector, id) where status = 'OPEN'",
		"""
		create table if not exists connector_state (
		  instance text not null,
		  resource_type text not null,
		  watermark timestamptz,
		  last_success_at timestamptz,
		  last_error_at timestamptz,
		  last_error text,
		  pages bigint not null default 0,
		  resources bigint not null default 0,
		  primary key (instance, resource_type))
		""",
		"alter table connector_state add column if not exists consecutive_failures int not null default 0",
		"alter table connector_state add column if not exists paused_until timestamptz",
		"alter table connector_state add column if not exists records_read bigint not null default 0",
		"alter table connector_state add column if not exists synced_until timestamptz",
		// fhir-r4 patient-scoped mode: which source Patient a hub Patient's identifier names (found once
		// by an identifier search at the source), and per source Patient and type the watermark.
		"""
		create table if not exists connector_patient_link (
		  instance text not null,
		  patient_key text not null,
		  source_patient_id text not null,
		  linked_at timestamptz not null default now(),
		  primary key (instance, patient_key))
		""",
		"""
		create table if not exists connector_patient_state (
		  instance text not null,
		  source_patient_id text not null,
		  resource_type text not null,
		  watermark timestamptz,
		  last_success_at timestamptz,
		  last_error_at timestamptz,
		  last_error text,
		  pages bigint not null default 0,
		  resources bigint not null default 0,
		  primary key (instance, source_patient_id, resource_type))
		""",
		// ical-feed: the highest SEQUENCE per event UID committed in the hub.
		"""
		create table if not exists ical_event (
		  instance text not null,
		  uid text not null,
		  sequence int not null,
		  loaded_at timestamptz not null default now(),
		  primary key (instance, uid))
		""",
		// scheduling-json availability: the slots of each event type the hub holds, by start, with
		// their status there, so a time no longer offered can be found and marked busy.
		"""
		create table if not exists availability_slot (
		  instance text not null,
		  event_type text not null,
		  start_at timestamptz not null,
		  end_at timestamptz not null,
		  status text not null,
		  updated_at timestamptz not null default now(),
		  primary key (instance, event_type, start_at))
		""",
		// Scheduling webhooks: stored before they are acknowledged, processed once per distinct body.
		"""
		create table if not exists webhook_inbox (
		  id bigserial primary key,
		  instance text not null,
		  sha256 text not null,
		  received_at timestamptz not null default now(),
		  raw bytea not null,
		  status text not null default 'PENDING',
		  attempts int not null default 0,
		  next_attempt_at timestamptz not null default now(),
		  processed_at timestamptz,
		  last_error text,
		  unique (instance, sha256))
		""",
		"create index if not exists webhook_inbox_pending on webhook_inbox (id) where status = 'PENDING'",
		// billing-csv: files loaded (by content hash) and rows loaded (by row key, with the row's hash).
		"""
		create table if not exists billing_file (
		  instance text not null,
		  sha256 text not null,
		  file_name text not null,
		  loaded_at timestamptz not null default now(),
		  rows_loaded int not null,
		  rows_failed int not null,
		  primary key (instance, sha256))
		""",
		"""
		create table if not exists billing_row (
		  instance text not null,
		  row_key text not null,
		  sha256 text not null,
		  file_name text not null,
		  row_number int not null,
		  loaded_at timestamptz not null default now(),
		  primary key (instance, row_key))
		""",
		"""
		create table if not exists bulk_job (
		  instance text primary key,
		  status_url text not null,
		  since timestamptz,
		  kicked_off_at timestamptz not null default now(),
		  progress text,
		  manifest text,
		  transaction_time timestamptz,
		  files_total int,
		  files_done int not null default 0,
		  resources bigint not null default 0)
		""",
		"""
		create table if not exists bulk_job_file (
		  instance text not null,
		  url text not null,
		  resources int not null,
		  done_at timestamptz not null default now(),
		  primary key (instance, url))
		""",
		// A file the source refused for good is finished for the job, but its type's watermark stays.
		"alter table bulk_job_file add column if not exists refused_type text",
		"alter table bulk_job_file add column if not exists refused_error text",
		// Channels: one row per delivery of a CommunicationRequest version, written before anything is
		// sent, so a restart finds what was claimed and never sends it again.
		"""
		create table if not exists channel_outbox (
		  request_key text not null,
		  request_version text not null,
		  request_id text not null,
		  channel text not null,
		  status text not null,
		  claimed_at timestamptz not null default now(),
		  outcome_at timestamptz,
		  provider_id text,
		  communication_id text,
		  primary key (request_key, request_version))
		""",
		"create index if not exists channel_outbox_provider on channel_outbox (channel, provider_id)",
		// Receipts, bounces and replies as they arrive; applied to the hub's Communication afterwards.
		"""
		create table if not exists channel_event (
		  id bigserial primary key,
		  request_key text not null,
		  kind text not null,
		  occurred_at timestamptz not null,
		  received_at timestamptz not null default now(),
		  applied_at timestamptz,
		  attempts int not null default 0)
		""",
		"create index if not exists channel_event_pending on channel_event (id) where applied_at is null"
	};

	private final JdbcClient jdbc;
	private volatile Thread retry;

	RoutesSchema(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	void create() {
		for (String ddl : DDL) {
			jdbc.sql(ddl).update();
		}
	}

	/**
	 * Creates the schema now, or, while the database is unreachable, keeps trying in the
	 * background: the app still starts, and until the tables exist every inbox write fails, so the
	 * listener answers AE and the sender resends.
	 */
	void createOrRetry() {
		try {
			create();
		}
		catch (DataAccessException e) {
			log.warn("HUB-4032 routes database unavailable at start ({}); creating the schema in the background",
					e.getClass().getSimpleName());
			Thread t = new Thread(this::retryUntilCreated, "routes-schema");
			t.setDaemon(true);
			retry = t;
			t.start();
		}
	}

	private void retryUntilCreated() {
		long waitMs = 500;
		while (!Thread.currentThread().isInterrupted()) {
			try {
				Thread.sleep(waitMs);
				create();
				log.info("Routes database reachable again, schema created");
				return;
			}
			catch (DataAccessException e) {
				waitMs = Math.min(waitMs * 2, MAX_RETRY_WAIT.toMillis());
				log.debug("Schema creation failed again", e);
			}
			catch (InterruptedException e) {
				return;
			}
		}
	}

	@Override
	public void close() {
		Thread t = retry;
		if (t != null) {
			t.interrupt();
		}
	}
}
