/**
 * Relay floors: the least the process isolation the platform needs can cost. A `Deno.serve` hello
 * that, per request, sends an 8-byte frame over a unix socket to a child deno process and answers
 * when it comes back, with no HTTP-ish work on the far side:
 *
 * - "process": the child writes the frames straight back (a design that keeps user code in a
 *   child process can do no better);
 * - "worker": the child hands them to a worker and writes back what it returns (the same, with
 *   user code in a worker inside the child process).
 *
 * Frames written in one event-loop turn go out in one socket write. The processes are in
 * relay_floor_process.ts and relay_floor_worker.ts; the root spawns the child, so CPU per request
 * counts the whole tree. Everything listens on 127.0.0.1 and a unix socket in a temp dir.
 */
import { onStop, spawnTracked } from "./child_processes.ts";
import { type HelloServer, waitUntilAnswers } from "./hello_server.ts";
import { readListeningPort } from "./listening_line.ts";
import { cmdline, processTree } from "./proc.ts";

export type RelayHop = "process" | "worker";

const SCRIPT = new URL("./relay_floor_process.ts", import.meta.url).pathname;
const BENCH_DIR = new URL(".", import.meta.url).pathname;

export const RELAY_FLOOR_NAMES: Record<RelayHop, string> = {
  process: "relay floor: 1 process hop",
  worker: "relay floor: process + worker hop",
};

/** Waits until these pids have ended; SIGKILLs the ones of ours still there after `ms`. */
async function waitGone(pids: number[], ms: number): Promise<void> {
  // Ended processes not yet reaped (zombies) have no command line.
  const alive = (pid: number) => cmdline(pid).includes(SCRIPT);
  const until = Date.now() + ms;
  while (pids.some(alive) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  for (const pid of pids.filter(alive)) {
    try {
      Deno.kill(pid, "SIGKILL");
    } catch { /* gone */ }
  }
}

export async function startRelayFloor(hop: RelayHop): Promise<HelloServer> {
  const dir = await Deno.makeTempDir({ prefix: "denative-bench-relay-" });
  const removeDir = () => Deno.remove(dir, { recursive: true }).catch(() => {});
  // Registered before the process: stopAll() runs newest first, so the process goes first.
  const forgetDir = onStop(removeDir);
  const socket = `${dir}/relay.sock`;
  const child = spawnTracked(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--no-config",
      "--unstable-no-legacy-abort",
      `--allow-net=127.0.0.1,unix:${socket}`,
      `--allow-read=${dir},${BENCH_DIR}`,
      `--allow-write=${dir}`,
      `--allow-run=${Deno.execPath()}`,
      SCRIPT,
      "serve",
      socket,
      hop,
    ],
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  });
  let stopped: Promise<void> | undefined;
  // SIGTERM makes the root stop its child and wait for it; the child also exits when the socket
  // closes (as after a SIGKILL of the root). Anything of ours left after that is killed.
  const stop = () =>
    stopped ??= (async () => {
      const tree = processTree(child.pid);
      try {
        child.kill("SIGTERM");
      } catch { /* gone */ }
      await waitGone(tree, 5_000);
      await child.status;
      await removeDir();
      forgetDir();
      forgetStop();
    })();
  // Newest first: on Ctrl-C this graceful stop runs before spawnTracked's SIGKILL of the root.
  const forgetStop = onStop(stop);
  try {
    const port = await readListeningPort(child.stdout);
    const host = `127.0.0.1:${port}`;
    await waitUntilAnswers(port, host, 10_000);
    return { name: RELAY_FLOOR_NAMES[hop], port, host, rootPid: child.pid, stop };
  } catch (err) {
    await stop();
    throw new Error(`${RELAY_FLOOR_NAMES[hop]} did not start: ${(err as Error).message}`);
  }
}
