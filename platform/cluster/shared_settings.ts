/**
 * Values every node of a cluster must agree on (the admin token, the API's CA key pair), kept in
 * the database's `settings` table and mirrored into each node's state directory, where the
 * single-node code reads them. Each node offers its own (made as a single node would); the
 * database keeps the first offer, and every node takes what the database holds.
 */
import type { Sql } from "postgres";

/** Offers `candidate` for `name` and returns the value the cluster agreed on. */
export async function agreeOn(sql: Sql, name: string, candidate: string): Promise<string> {
  await sql`INSERT INTO settings (name, value) VALUES (${name}, ${candidate}) ON CONFLICT (name) DO NOTHING`;
  const [row] = await sql<{ value: string }[]>`SELECT value FROM settings WHERE name = ${name}`;
  return row.value;
}

/** Makes `<state>/admin-token` the cluster's token. */
export async function shareAdminToken(sql: Sql, path: string): Promise<void> {
  const local = (await Deno.readTextFile(path)).trim();
  const agreed = await agreeOn(sql, "admin-token", local);
  if (agreed !== local) await writeSecret(path, `${agreed}\n`);
}

/**
 * Makes `<tlsDir>/ca.{crt,key}` the cluster's CA (one setting, so the pair never mixes two
 * offers). Returns true when it replaced this node's CA: the serving certificate is then removed,
 * to be issued again by the shared CA.
 */
export async function shareCa(sql: Sql, tlsDir: string): Promise<boolean> {
  const local = {
    crt: await Deno.readTextFile(`${tlsDir}/ca.crt`),
    key: await Deno.readTextFile(`${tlsDir}/ca.key`),
  };
  const agreed = JSON.parse(await agreeOn(sql, "tls-ca", JSON.stringify(local))) as typeof local;
  if (agreed.crt === local.crt && agreed.key === local.key) return false;
  await writeSecret(`${tlsDir}/ca.crt`, agreed.crt);
  await writeSecret(`${tlsDir}/ca.key`, agreed.key);
  for (const f of ["tls.crt", "tls.key"]) await Deno.remove(`${tlsDir}/${f}`).catch(() => {});
  return true;
}

async function writeSecret(path: string, text: string) {
  await Deno.writeTextFile(path, text, { mode: 0o600 });
  await Deno.chmod(path, 0o600);
}
