/** The Deno load generator (deno_load_process.ts) as a LoadGenerator: one fresh process per run. */
import type { LoadGenerator, LoadOptions, LoadResult, LoadTarget } from "./load_generator.ts";
import { spawnTracked } from "./child_processes.ts";

const SCRIPT = new URL("./deno_load_process.ts", import.meta.url).pathname;

export class DenoLoadGenerator implements LoadGenerator {
  readonly description = `deno ${Deno.version.deno} load generator (separate process, raw keep-alive TCP)`;

  constructor(readonly note: string) {}

  async run(target: LoadTarget, options: LoadOptions): Promise<LoadResult> {
    const spec = {
      port: target.port,
      host: target.host ?? `127.0.0.1:${target.port}`,
      path: target.path ?? "/",
      connections: options.connections,
      seconds: options.seconds,
    };
    const child = spawnTracked(Deno.execPath(), {
      args: ["run", "--quiet", "--no-config", "--allow-net=127.0.0.1", SCRIPT, JSON.stringify(spec)],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout((options.seconds + 30) * 1000),
    });
    const { code, stdout, stderr } = await child.output();
    const dec = new TextDecoder();
    if (code !== 0) throw new Error(`the Deno load generator exited with ${code}: ${dec.decode(stderr)}`);
    const r = JSON.parse(dec.decode(stdout)) as {
      requests: number;
      errors: number;
      elapsedMs: number;
      p50Ms: number;
      p99Ms: number;
    };
    return {
      requestsPerSecond: r.requests / (r.elapsedMs / 1000),
      p50Ms: r.p50Ms,
      p99Ms: r.p99Ms,
      errors: r.errors,
    };
  }
}
