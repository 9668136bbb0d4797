import { deepStrictEqual as assertEquals, throws } from "node:assert/strict";
import postgres from "postgres";
import { SyncPostgres } from "./sync_postgres.ts";
import { migrate, MIGRATIONS } from "./migrations.ts";
import { createTestDatabase, postgresTest, postgresUnreachable } from "../../../test/postgres_test_env.ts";

const missing = await postgresUnreachable();

postgresTest("SyncPostgres answers synchronously, also with answers larger than its buffer", async () => {
  const db = await createTestDatabase();
  const pg = new SyncPostgres(db.url);
  try {
    assertEquals(pg.query<{ n: number }>("SELECT 1 + $1::int AS n", [41]), [{ n: 42 }]);
    const big = pg.query<{ s: string }>("SELECT repeat('x', 6 * 1024 * 1024) AS s");
    assertEquals(big[0].s.length, 6 * 1024 * 1024);
    assertEquals(pg.query("SELECT 'after' AS w"), [{ w: "after" }]);
    throws(() => pg.query("SELECT * FROM no_such_table"), /database query failed: .*no_such_table/);
  } finally {
    pg.close();
    await db.drop();
  }
}, missing);

postgresTest("migrations run once each, also when several nodes start together", async () => {
  const db = await createTestDatabase();
  const clients = [1, 2, 3].map(() => postgres(db.url, { max: 1, onnotice: () => {} }));
  try {
    const applied = await Promise.all(clients.map((sql) => migrate(sql)));
    assertEquals(applied.flat().sort(), MIGRATIONS.map((m) => m.version));
    assertEquals(await migrate(clients[0]), []);
    const rows = await clients[0]`SELECT version FROM schema_migrations ORDER BY version`;
    assertEquals(rows.map((r) => r.version), MIGRATIONS.map((m) => m.version));
  } finally {
    for (const sql of clients) await sql.end();
    await db.drop();
  }
}, missing);
