/**
 * What the cluster tests share: the PostgreSQL server from `DENATIVE_TEST_POSTGRES` (default
 * postgres://postgres@127.0.0.1:5432/postgres), a fresh database per test (dropped at its end), and
 * `postgresTest`, which skips with a one-line reason when the server is unreachable, except under
 * CI=true where the test fails instead.
 */
import postgres from "postgres";
import { serverTest } from "./server_test.ts";

export const POSTGRES_ADMIN_URL = Deno.env.get("DENATIVE_TEST_POSTGRES") ??
  "postgres://postgres@127.0.0.1:5432/postgres";

/** undefined when the server answers a query, else why it did not. */
export async function postgresUnreachable(url = POSTGRES_ADMIN_URL): Promise<string | undefined> {
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`SELECT 1`;
    return undefined;
  } catch (err) {
    return `PostgreSQL at ${url.replace(/\/\/[^@]*@/, "//")} is not reachable (${(err as Error).message})`;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

/** A database made for one test: `url` to connect, `drop()` to remove it (connections ended first). */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `denative_test_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const admin = postgres(POSTGRES_ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const sql = postgres(POSTGRES_ADMIN_URL, { max: 1, onnotice: () => {} });
      await sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await sql.end();
    },
  };
}

/** Deno.test for a test that needs PostgreSQL: ignored (one line says why) without it, failing under CI=true. */
export function postgresTest(
  name: string,
  fn: (t: Deno.TestContext) => Promise<void>,
  missing: string | undefined,
) {
  serverTest(name, fn, missing, { needs: "PostgreSQL" });
}
