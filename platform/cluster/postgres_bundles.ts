/**
 * Code bundles in the cluster database: a node that stores a bundle uploads it once (content
 * addressed, so every node uploads the same rows); a node that lacks a bundle a revision names
 * downloads it into its own bundle directory, which stays its cache.
 */
import type { Sql } from "postgres";
import type { BundleFile, BundleRemote } from "../store/bundle_store.ts";

export class PostgresBundles implements BundleRemote {
  constructor(private readonly sql: Sql) {}

  async upload(digest: string, files: BundleFile[]): Promise<void> {
    const [exists] = await this.sql`SELECT 1 FROM bundles WHERE digest = ${digest}`;
    if (exists) return;
    await this.sql.begin(async (tx) => {
      for (const f of files) {
        await tx`INSERT INTO bundle_files (digest, path, data) VALUES (${digest}, ${f.path}, ${f.data})
          ON CONFLICT DO NOTHING`;
      }
      await tx`INSERT INTO bundles (digest) VALUES (${digest}) ON CONFLICT DO NOTHING`;
    });
  }

  async download(digest: string): Promise<BundleFile[] | null> {
    const [exists] = await this.sql`SELECT 1 FROM bundles WHERE digest = ${digest}`;
    if (!exists) return null;
    const rows = await this.sql<{ path: string; data: Uint8Array }[]>`
      SELECT path, data FROM bundle_files WHERE digest = ${digest} ORDER BY path`;
    return rows.map((r) => ({ path: r.path, data: new Uint8Array(r.data) }));
  }
}
