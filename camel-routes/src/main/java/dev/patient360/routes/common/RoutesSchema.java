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

	RoutesSchema(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	void create() {
		for (String ddl : DDL) {
			jdbc.sql(ddl).update();
		}
	}
}
