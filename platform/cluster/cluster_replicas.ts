/**
 * Revision replica counts in cluster mode: each node records its own, and the Revision's status
 * shows the totals over the nodes whose heartbeat is within the lease (a dead node's instances
 * are gone with it). Every node computes the same totals, so their status writes agree.
 */
import type { SyncPostgres } from "../store/postgres/sync_postgres.ts";

export function clusterReplicaCounter(pg: SyncPostgres, nodeName: string, leaseMs: number) {
  return (namespace: string, name: string, actual: number, desired: number) => {
    const [row] = pg.query<{ actual: number; desired: number }>(
      `WITH mine AS (
         INSERT INTO revision_replicas (node, namespace, name, actual, desired) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (node, namespace, name) DO UPDATE SET actual = EXCLUDED.actual, desired = EXCLUDED.desired
         RETURNING node, actual, desired)
       SELECT (COALESCE(SUM(r.actual), 0) + (SELECT actual FROM mine))::int AS actual,
              (COALESCE(SUM(r.desired), 0) + (SELECT desired FROM mine))::int AS desired
       FROM revision_replicas r JOIN nodes n ON n.name = r.node
       WHERE r.namespace = $2 AND r.name = $3 AND r.node <> $1
         AND n.heartbeat_at > now() - make_interval(secs => $6::float8 / 1000)`,
      [nodeName, namespace, name, actual, desired, leaseMs],
    );
    return { actual: Number(row.actual), desired: Number(row.desired) };
  };
}
