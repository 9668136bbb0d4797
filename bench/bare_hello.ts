/** Starts the bare `Deno.serve` hello (bare_hello_process.ts) as its own process. */
import { spawnTracked } from "./child_processes.ts";
import type { HelloServer } from "./hello_server.ts";
import { readListeningPort } from "./listening_line.ts";

const SCRIPT = new URL("./bare_hello_process.ts", import.meta.url).pathname;

export async function startBareHello(): Promise<HelloServer> {
  const child = spawnTracked(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--no-config",
      "--unstable-no-legacy-abort",
      "--allow-net=127.0.0.1",
      "--allow-env=TARGET",
      SCRIPT,
    ],
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  });
  const port = await readListeningPort(child.stdout);
  return {
    name: "bare Deno.serve",
    port,
    host: `127.0.0.1:${port}`,
    rootPid: child.pid,
    stop: async () => {
      try {
        child.kill("SIGTERM");
      } catch { /* gone */ }
      await child.status;
    },
  };
}
