import { join } from "node:path";
import { tmpdir } from "node:os";
import { DevServerError } from "../dev_server_error.ts";

/** Zipkin release `zipkin:up` runs (`io.zipkin:zipkin-server`, the `exec` jar; Java 17+). */
export const DEFAULT_ZIPKIN_VERSION = "3.5.1";
export const DEFAULT_ZIPKIN_PORT = 9411;
export const LOOPBACK_HOST = "127.0.0.1";

/** Everything `up` and `down` need, from the environment (ZIPKIN_VERSION, ZIPKIN_PORT, XDG_CACHE_HOME). */
export interface ZipkinSettings {
  readonly version: string;
  readonly host: string;
  readonly port: number;
  /** `http://127.0.0.1:9411`: the UI and API; spans go to `${url}/api/v2/spans`. */
  readonly url: string;
  /** Where the exec jar is kept: `<cache>/denative/zipkin/<version>/`. */
  readonly versionDir: string;
  readonly jarFile: string;
  /** Per-port state: pid file and log. */
  readonly runDir: string;
  readonly pidFile: string;
  readonly logFile: string;
}

export function zipkinSettings(env: Deno.Env = Deno.env): ZipkinSettings {
  const version = env.get("ZIPKIN_VERSION") ?? DEFAULT_ZIPKIN_VERSION;
  if (!/^\d+\.\d+\.\d+$/.test(version)) {
    throw new DevServerError(`ZIPKIN_VERSION must look like 3.5.1, got "${version}"`);
  }
  const raw = env.get("ZIPKIN_PORT");
  const port = raw === undefined || raw.trim() === "" ? DEFAULT_ZIPKIN_PORT : Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new DevServerError(`ZIPKIN_PORT must be a port number (1-65535), got "${raw}"`);
  }
  const cache = join(cacheHome(env), "denative", "zipkin");
  const versionDir = join(cache, version);
  const runDir = join(cache, `server-${port}`);
  return {
    version,
    host: LOOPBACK_HOST,
    port,
    url: `http://${LOOPBACK_HOST}:${port}`,
    versionDir,
    jarFile: join(versionDir, `zipkin-server-${version}-exec.jar`),
    runDir,
    pidFile: join(runDir, "zipkin.pid"),
    logFile: join(runDir, "zipkin.log"),
  };
}

function cacheHome(env: Deno.Env): string {
  const xdg = env.get("XDG_CACHE_HOME");
  if (xdg) return xdg;
  const home = env.get("HOME");
  return home ? join(home, ".cache") : join(tmpdir(), "denative-cache");
}
