/**
 * The cluster database's schema, as numbered migrations the platform applies itself at start
 * (under an advisory lock, so nodes starting together apply each one once).
 */
import type { Sql } from "postgres";

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: "resources, their change feed and resourceVersion counter; bundles; settings; nodes; leases",
    sql: `
      CREATE TABLE resources (
        kind TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
        body TEXT NOT NULL, version BIGINT NOT NULL,
        PRIMARY KEY (kind, namespace, name));
      CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL);
      INSERT INTO counters (name, value) VALUES ('resourceVersion', 0);
      CREATE TABLE changes (
        version BIGINT PRIMARY KEY, type TEXT NOT NULL,
        kind TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
        body TEXT NOT NULL, at TIMESTAMPTZ NOT NULL DEFAULT now());
      CREATE TABLE bundle_files (
        digest TEXT NOT NULL, path TEXT NOT NULL, data BYTEA NOT NULL,
        PRIMARY KEY (digest, path));
      CREATE TABLE bundles (digest TEXT PRIMARY KEY, created_at TIMESTAMPTZ NOT NULL DEFAULT now());
      CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE nodes (
        name TEXT PRIMARY KEY, address TEXT NOT NULL,
        started_at TIMESTAMPTZ NOT NULL, heartbeat_at TIMESTAMPTZ NOT NULL);
      CREATE TABLE leases (
        name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at TIMESTAMPTZ NOT NULL);
    `,
  },
  {
    version: 2,
    description: "each node's replica counts per revision, summed into the Revision's status",
    sql: `
      CREATE TABLE revision_replicas (
        node TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
        actual INTEGER NOT NULL, desired INTEGER NOT NULL,
        PRIMARY KEY (node, namespace, name));
    `,
  },
  {
    version: 3,
    description: "claims of work done once in the cluster (a PingSource's tick)",
    sql: `
      CREATE TABLE once_claims (
        key TEXT PRIMARY KEY, node TEXT NOT NULL, claimed_at TIMESTAMPTZ NOT NULL DEFAULT now());
      CREATE INDEX once_claims_claimed_at ON once_claims (claimed_at);
    `,
  },
  {
    version: 4,
    description:
      "the default Broker's event log, shared: events, and per (event, trigger) deliveries with claims",
    sql: `
      CREATE TABLE broker_events (
        seq BIGSERIAL PRIMARY KEY, namespace TEXT NOT NULL, broker TEXT NOT NULL,
        attrs TEXT NOT NULL, data BYTEA, data_kind SMALLINT NOT NULL, accepted_at BIGINT NOT NULL);
      CREATE TABLE broker_deliveries (
        id BIGSERIAL PRIMARY KEY, event_seq BIGINT NOT NULL, trigger_uid TEXT NOT NULL,
        claimed_by TEXT, claim_expires_at TIMESTAMPTZ, claims INTEGER NOT NULL DEFAULT 0);
      CREATE INDEX broker_deliveries_by_trigger ON broker_deliveries (trigger_uid, id);
      CREATE INDEX broker_deliveries_by_event ON broker_deliveries (event_seq);
      CREATE INDEX broker_deliveries_by_claimer ON broker_deliveries (claimed_by);
    `,
  },
];

/** An arbitrary, fixed advisory lock key for migrations. */
const MIGRATION_LOCK = 0x64656e61;

/** Applies the migrations the database has not seen yet, in order; returns the versions applied. */
export async function migrate(sql: Sql, migrations = MIGRATIONS): Promise<number[]> {
  return await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`;
    await tx`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, description TEXT NOT NULL,
      applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`;
    const done = new Set(
      (await tx<{ version: number }[]>`SELECT version FROM schema_migrations`).map((r) => r.version),
    );
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      await tx.unsafe(m.sql);
      await tx`INSERT INTO schema_migrations (version, description) VALUES (${m.version}, ${m.description})`;
      applied.push(m.version);
    }
    return applied;
  });
}
