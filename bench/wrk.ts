/** wrk as the load generator: found on PATH, or installed with apt-get when the bench runs as root. */
import type { LoadGenerator, LoadOptions, LoadResult, LoadTarget } from "./load_generator.ts";
import { parseWrkOutput } from "./wrk_output.ts";
import { spawnTracked } from "./child_processes.ts";

export type WrkLookup = { ok: true; version: string; note: string } | { ok: false; reason: string };

async function run(
  cmd: string,
  args: string[],
  timeoutMs: number,
  env?: Record<string, string>,
): Promise<{ code: number; out: string }> {
  const child = spawnTracked(cmd, {
    args,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(timeoutMs),
  });
  const { code, stdout, stderr } = await child.output();
  const dec = new TextDecoder();
  return { code, out: dec.decode(stdout) + dec.decode(stderr) };
}

async function wrkVersion(): Promise<string | null> {
  try {
    const { out } = await run("wrk", ["--version"], 5_000);
    return /^(wrk [^\n]*?)\s+Copyright/m.exec(out)?.[1] ?? out.split("\n")[0].trim();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}

export async function findOrInstallWrk(log: (line: string) => void): Promise<WrkLookup> {
  const found = await wrkVersion();
  if (found) return { ok: true, version: found, note: "found on PATH" };
  if (Deno.uid() !== 0) return { ok: false, reason: "wrk is not installed and the bench is not root" };
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  const install = () => run("apt-get", ["install", "-y", "-q", "wrk"], 180_000, env);
  try {
    log("wrk is missing: apt-get install -y wrk");
    let result = await install();
    if (result.code !== 0) {
      log("apt-get install failed; apt-get update, then once more");
      await run("apt-get", ["update", "-q"], 180_000, env);
      result = await install();
    }
    if (result.code !== 0) {
      return { ok: false, reason: `apt-get install wrk failed: ${result.out.trim().split("\n").pop()}` };
    }
  } catch (err) {
    return { ok: false, reason: `apt-get could not run: ${(err as Error).message}` };
  }
  const installed = await wrkVersion();
  if (!installed) return { ok: false, reason: "apt-get installed wrk but it does not run" };
  return { ok: true, version: installed, note: "installed by the bench (apt-get install -y wrk)" };
}

export class WrkLoadGenerator implements LoadGenerator {
  readonly description: string;

  constructor(version: string, readonly note: string) {
    this.description = `${version} (-t1)`;
  }

  async run(target: LoadTarget, options: LoadOptions): Promise<LoadResult> {
    const args = [
      "-t1",
      `-c${options.connections}`,
      `-d${options.seconds}s`,
      "--latency",
      "--timeout",
      "5s",
      "-H",
      `Host: ${target.host ?? `127.0.0.1:${target.port}`}`,
      `http://127.0.0.1:${target.port}${target.path ?? "/"}`,
    ];
    const { code, out } = await run("wrk", args, (options.seconds + 30) * 1000);
    if (code !== 0) throw new Error(`wrk exited with ${code}:\n${out}`);
    return parseWrkOutput(out);
  }
}
