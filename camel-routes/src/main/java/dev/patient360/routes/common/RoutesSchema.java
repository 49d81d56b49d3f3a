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
		"alter table connector_state add column if not exists consecutive_failures int not null default 0",
		"alter table connector_state add column if not exists paused_until timestamptz",
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
