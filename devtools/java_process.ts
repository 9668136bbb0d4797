/**
 * A development server's JVM (the Kafka broker, Zipkin): started detached with a pid file, recognised by a
 * marker in its command line (so a stale pid reused by another process is never signalled), stopped with
 * SIGTERM and, after a grace period, SIGKILL.
 */
import { readTextIfExists } from "./fs_util.ts";

/** How to launch a server JVM. */
export interface JavaLaunch {
  readonly java: string;
  /** Everything after `java`: JVM options, then `-cp ... Main args` or `-jar file args`. */
  readonly args: readonly string[];
  /** stdout and stderr of the JVM go here (truncated at start). */
  readonly logFile: string;
  readonly env?: Record<string, string>;
}

/**
 * Starts the JVM detached from this process (its own session and process group, no inherited stdio,
 * unref'd), so it keeps running after the CLI exits. `sh` only redirects output into the log file and then
 * `exec`s java, so the child's pid is the JVM's pid.
 */
export function spawnJava(launch: JavaLaunch): Deno.ChildProcess {
  const child = new Deno.Command("sh", {
    args: [
      "-c",
      'log="$1"; shift; exec "$@" >"$log" 2>&1',
      "sh",
      launch.logFile,
      launch.java,
      ...launch.args,
    ],
    env: launch.env,
    stdin: "null",
    stdout: "null",
    stderr: "null",
    detached: true,
  }).spawn();
  child.unref();
  return child;
}

export async function readPidFile(pidFile: string): Promise<number | undefined> {
  const text = await readTextIfExists(pidFile);
  const pid = Number(text?.trim());
  return text !== undefined && Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export async function writePidFile(pidFile: string, pid: number): Promise<void> {
  await Deno.writeTextFile(pidFile, `${pid}\n`);
}

/**
 * True when `pid` is a live process whose command line holds every one of `markers` (guards against a
 * stale pid file whose pid was reused by another process). A zombie has an empty command line: gone.
 */
export async function isServerProcess(pid: number, markers: readonly string[]): Promise<boolean> {
  const commandLine = await processCommandLine(pid);
  return commandLine !== undefined && markers.every((m) => commandLine.includes(m));
}

/**
 * SIGTERM (Kafka and Zipkin shut down cleanly on it), then SIGKILL if it is still alive after `graceMs`.
 * Resolves once the process is gone; returns how it ended.
 */
export async function stopServer(
  pid: number,
  markers: readonly string[],
  graceMs: number,
): Promise<"terminated" | "killed"> {
  const alive = () => isServerProcess(pid, markers);
  signal(pid, "SIGTERM");
  if (await waitUntilGone(alive, graceMs)) return "terminated";
  signal(pid, "SIGKILL");
  await waitUntilGone(alive, 10_000);
  return "killed";
}

async function waitUntilGone(alive: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (await alive()) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

function signal(pid: number, name: Deno.Signal): void {
  try {
    Deno.kill(pid, name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

/** The process's command line (args joined by spaces), or undefined when there is no such live process. */
async function processCommandLine(pid: number): Promise<string | undefined> {
  try {
    const raw = await Deno.readFile(`/proc/${pid}/cmdline`);
    const text = new TextDecoder().decode(raw).replaceAll("\0", " ").trim();
    return text === "" ? undefined : text;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  if (await procFsMounted()) return undefined;
  // No /proc (macOS): ask ps.
  const output = await new Deno.Command("ps", { args: ["-o", "args=", "-p", String(pid)], stderr: "null" })
    .output();
  const text = new TextDecoder().decode(output.stdout).trim();
  return output.success && text !== "" && !text.includes("<defunct>") ? text : undefined;
}

async function procFsMounted(): Promise<boolean> {
  try {
    await Deno.stat("/proc/self");
    return true;
  } catch {
    return false;
  }
}
