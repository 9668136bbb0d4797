/**
 * Local Zipkin for development and tests: `deno task zipkin:up` / `deno task zipkin:down`.
 *
 * `up` fetches `io.zipkin:zipkin-server:<version>:jar:exec` with Maven (cached in ~/.m2, copied to
 * `~/.cache/denative/zipkin/<version>/`) and starts it detached on 127.0.0.1:$ZIPKIN_PORT (default 9411, in
 * memory storage, bound to loopback only), with a pid file and a log in `~/.cache/denative/zipkin/server-<port>/`.
 * It returns once `GET /health` answers and prints the URL (stdout, one line); `up` while it runs just prints
 * the URL. `down` stops it (SIGTERM, then SIGKILL). Env: ZIPKIN_PORT, ZIPKIN_VERSION, JAVA_HOME, XDG_CACHE_HOME.
 */
import { join } from "node:path";
import { DevServerError } from "../dev_server_error.ts";
import { pathExists, readTail, removeIfExists } from "../fs_util.ts";
import { findJava } from "../java_runtime.ts";
import { isServerProcess, readPidFile, spawnJava, stopServer, writePidFile } from "../java_process.ts";
import { isPortFree } from "../loopback_port.ts";
import { runMaven } from "../maven.ts";
import { runDevServerCli } from "../dev_server_cli.ts";
import { type ZipkinSettings, zipkinSettings } from "./zipkin_settings.ts";

export const STARTUP_TIMEOUT_MS = 90_000;
export const SHUTDOWN_GRACE_MS = 10_000;

function progress(line: string): void {
  console.error(`zipkin: ${line}`);
}

function markers(settings: ZipkinSettings): string[] {
  return [settings.jarFile, `--armeria.ports[0].port=${settings.port}`];
}

/** The exec jar of this version, fetched once. */
async function ensureJar(settings: ZipkinSettings): Promise<void> {
  if (await pathExists(settings.jarFile)) return;
  await Deno.mkdir(settings.versionDir, { recursive: true });
  progress(`fetching io.zipkin:zipkin-server:${settings.version} (exec jar) with Maven`);
  await runMaven(
    [
      "dependency:copy",
      `-Dartifact=io.zipkin:zipkin-server:${settings.version}:jar:exec`,
      `-DoutputDirectory=${settings.versionDir}`,
    ],
    settings.versionDir,
    join(settings.versionDir, "mvn.log"),
    `Zipkin ${settings.version}`,
  );
  if (!await pathExists(settings.jarFile)) {
    throw new DevServerError(`mvn succeeded but ${settings.jarFile} is not there`);
  }
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

export async function up(settings: ZipkinSettings): Promise<string> {
  const java = await findJava();
  const running = await runningPid(settings);
  if (running !== undefined) {
    if (await waitHealthy(settings, () => isServerProcess(running, markers(settings)))) {
      progress(`already running (pid ${running}, log ${settings.logFile})`);
      return settings.url;
    }
    throw new DevServerError(
      `Zipkin pid ${running} does not answer on ${settings.url}; run zipkin:down first`,
    );
  }
  if (!isPortFree(settings.host, settings.port)) {
    throw new DevServerError(
      `${settings.host}:${settings.port} is already in use; set ZIPKIN_PORT to another port`,
    );
  }
  await ensureJar(settings);
  await Deno.mkdir(settings.runDir, { recursive: true });
  progress(`starting Zipkin ${settings.version} on ${settings.url} (log ${settings.logFile})`);
  const started = Date.now();
  const child = spawnJava({
    java,
    args: [
      "-Xms64m",
      "-Xmx256m",
      "-XX:+UseSerialGC",
      "-XX:+ExitOnOutOfMemoryError",
      "-jar",
      settings.jarFile,
      // Loopback only: Armeria's port list, not QUERY_PORT, which listens on every interface.
      `--armeria.ports[0].ip=${settings.host}`,
      `--armeria.ports[0].port=${settings.port}`,
      "--armeria.ports[0].protocols[0]=http",
    ],
    env: { STORAGE_TYPE: "mem" },
    logFile: settings.logFile,
  });
  await writePidFile(settings.pidFile, child.pid);
  let exited = false;
  child.status.then(() => exited = true);
  if (await waitHealthy(settings, () => Promise.resolve(!exited))) {
    progress(`ready after ${((Date.now() - started) / 1000).toFixed(1)}s (pid ${child.pid})`);
    return settings.url;
  }
  if (!exited) await stopServer(child.pid, markers(settings), 5_000);
  await removeIfExists(settings.pidFile);
  throw new DevServerError(
    exited
      ? `Zipkin exited during startup; see ${settings.logFile}`
      : `Zipkin did not answer within ${STARTUP_TIMEOUT_MS / 1000}s`,
    await readTail(settings.logFile, 20),
  );
}

async function waitHealthy(settings: ZipkinSettings, alive: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await healthy(settings.url)) return true;
    if (!await alive()) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

export async function down(settings: ZipkinSettings): Promise<void> {
  const running = await runningPid(settings);
  if (running === undefined) progress(`not running on ${settings.url}`);
  else {
    const how = await stopServer(running, markers(settings), SHUTDOWN_GRACE_MS);
    progress(
      `stopped pid ${running} (${how === "terminated" ? "SIGTERM" : "SIGKILL after SIGTERM timed out"})`,
    );
  }
  await removeIfExists(settings.pidFile);
}

async function runningPid(settings: ZipkinSettings): Promise<number | undefined> {
  const pid = await readPidFile(settings.pidFile);
  return pid !== undefined && await isServerProcess(pid, markers(settings)) ? pid : undefined;
}

/** CLI entry; returns the exit code. */
export function main(args: readonly string[]): Promise<number> {
  return runDevServerCli({
    name: "zipkin",
    script: "devtools/zipkin/dev_zipkin.ts",
    settings: () => zipkinSettings(),
    up,
    down,
  }, args);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
