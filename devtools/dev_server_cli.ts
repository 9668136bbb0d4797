/**
 * The command line every development server tool shares: `up` prints the server's address on stdout once it
 * answers, `down` stops it, both holding the server's run lock; an expected failure is one line on stderr
 * (and its details after it) with exit status 1, a usage error exit status 2.
 */
import { DevServerError } from "./dev_server_error.ts";
import { withRunLock } from "./run_lock.ts";

export interface DevServerTool<S extends { runDir: string }> {
  /** `kafka`, `zipkin`: the prefix of its deno tasks and messages. */
  name: string;
  script: string;
  settings(): S;
  up(settings: S): Promise<string>;
  down(settings: S): Promise<void>;
}

/** Runs `up` or `down`; returns the exit code. */
export async function runDevServerCli<S extends { runDir: string }>(
  tool: DevServerTool<S>,
  args: readonly string[],
): Promise<number> {
  const [command, ...rest] = args;
  if ((command !== "up" && command !== "down") || rest.length > 0) {
    console.error(`usage: deno run --allow-all ${tool.script} up|down`);
    return 2;
  }
  try {
    const settings = tool.settings();
    if (command === "up") console.log(await withRunLock(settings.runDir, () => tool.up(settings)));
    else await withRunLock(settings.runDir, () => tool.down(settings));
    return 0;
  } catch (error) {
    if (!(error instanceof DevServerError)) throw error;
    console.error(`${tool.name}:${command}: ${error.message}`);
    if (error.details) console.error(error.details);
    return 1;
  }
}
