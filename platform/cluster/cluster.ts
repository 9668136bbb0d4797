/**
 * What a node opens in cluster mode (`--database postgres://...`): the shared database (migrated
 * on open), the PostgreSQL resource store, bundles shared through the database, and the admin
 * token and CA every node agrees on. Without `--database` none of this exists.
 */
import postgres, { type Sql } from "postgres";
import { migrate } from "../store/postgres/migrations.ts";
import { PostgresResourceStore } from "../store/postgres_resource_store.ts";
import { PostgresBundles } from "./postgres_bundles.ts";
import { shareAdminToken, shareCa } from "./shared_settings.ts";

export class Cluster {
  readonly bundles: PostgresBundles;

  private constructor(readonly sql: Sql, private readonly url: string, readonly nodeName: string) {
    this.bundles = new PostgresBundles(sql);
  }

  static async open(url: string, nodeName: string): Promise<Cluster> {
    const sql = postgres(url, { max: 4, onnotice: () => {} });
    await migrate(sql);
    return new Cluster(sql, url, nodeName);
  }

  openStore(stateDir: string): PostgresResourceStore {
    return new PostgresResourceStore({ url: this.url, localDbPath: `${stateDir}/node.db` });
  }

  shareAdminToken(path: string): Promise<void> {
    return shareAdminToken(this.sql, path);
  }

  shareCa(tlsDir: string): Promise<boolean> {
    return shareCa(this.sql, tlsDir);
  }

  async close() {
    await this.sql.end({ timeout: 2 });
  }
}
