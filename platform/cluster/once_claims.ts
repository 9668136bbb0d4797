/**
 * Work done once in the whole cluster, decided per unit of work: every node that would do it
 * inserts the unit's key, and the one whose insert lands does it. A PingSource's tick is such a
 * unit: every node keeps the schedule, so no takeover is needed when a node dies — the next tick
 * is claimed by a live one.
 */
import type { Sql } from "postgres";

/** Claims older than this are pruned (a tick is never claimed that late). */
const CLAIM_RETENTION = "1 hour";

export function onceClaimer(sql: Sql, nodeName: string) {
  return async (key: string): Promise<boolean> => {
    const rows = await sql`INSERT INTO once_claims (key, node) VALUES (${key}, ${nodeName})
      ON CONFLICT (key) DO NOTHING RETURNING key`;
    return rows.length === 1;
  };
}

export async function pruneOnceClaims(sql: Sql): Promise<void> {
  await sql`DELETE FROM once_claims WHERE claimed_at < now() - ${CLAIM_RETENTION}::interval`;
}
