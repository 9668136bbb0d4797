/**
 * Finding the platform: `--admin`/`DENATIVE_ADMIN` and `--token`/`DENATIVE_TOKEN` through
 * `loadClientConfig`, else the token the platform wrote to `<state>/admin-token`.
 */
import { loadClientConfig } from "../config.ts";
import { AdminClient, type FetchFn } from "./admin_client.ts";

export interface ConnectOptions {
  admin?: string;
  token?: string;
  state?: string;
  /** Environment for `loadClientConfig`; the process environment when not given. */
  env?: Record<string, string | undefined>;
  fetch?: FetchFn;
}

export async function connect(options: ConnectOptions): Promise<AdminClient> {
  const config = loadClientConfig(
    { admin: options.admin, token: options.token, state: options.state },
    ...(options.env ? [options.env] : []),
  );
  const tokenFile = `${config.state}/admin-token`;
  const token = config.token || await readToken(tokenFile);
  return new AdminClient({
    admin: config.admin,
    token,
    fetch: options.fetch,
    noTokenHint:
      `no token given and none found at ${tokenFile}: pass --token, set DENATIVE_TOKEN, or use --state`,
  });
}

async function readToken(path: string): Promise<string | undefined> {
  try {
    return (await Deno.readTextFile(path)).trim() || undefined;
  } catch {
    return undefined;
  }
}
