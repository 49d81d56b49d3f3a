package dev.patient360.routes.common;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The connector app's tables, created with idempotent DDL at start (no migration tool: the schema
 * is small and only ever grows by new tables and {@code add column if not exists}).
 */
public final class RoutesSchema {

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
		// ical-feed: the highest SEQUENCE per event UID committed in the hub.
		"""
		create table if not exists ical_event (
		  instance text not null,
		  uid text not null,
		  sequence int not null,
		  loaded_at timestamptz not null default now(),
		  primary key (instance, uid))
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
		"""
	};

	private final JdbcClient jdbc;

	RoutesSchema(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	void create() {
		for (String ddl : DDL) {
			jdbc.sql(ddl).update();
		}
	}
}
