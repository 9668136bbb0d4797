/**
 * The peer: the same hello on Cloudflare's workerd (from the npm package `workerd`), configured
 * with a small capnp file. Returns the reason instead of a server when workerd cannot be had or run.
 */
import { freePort } from "../test/harness.ts";
import { onStop, spawnTracked } from "./child_processes.ts";
import { type HelloServer, waitUntilAnswers } from "./hello_server.ts";

const LOCATE = new URL("./workerd_locate_process.ts", import.meta.url).pathname;

/** functions/hello/main.ts as plain JS (workerd runs neither TypeScript nor `Deno.env`). */
const WORKER_JS = `export default {
  fetch(request) {
    const name = new URL(request.url).searchParams.get("name") ?? "World";
    return new Response(\`Hello \${name}! (workerd)\\n\`);
  },
};
`;

function capnpConfig(port: number, compatibilityDate: string): string {
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "main", worker = .helloWorker)],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);

const helloWorker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "${compatibilityDate}",
);
`;
}

export type WorkerdStart = { ok: true; server: HelloServer; version: string } | {
  ok: false;
  reason: string;
};

async function locate(): Promise<{ path: string; version: string; compatibilityDate: string }> {
  const child = spawnTracked(Deno.execPath(), {
    args: ["run", "--quiet", "--no-config", "--no-lock", "--allow-read", "--allow-env", LOCATE],
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(120_000),
  });
  const { code, stdout, stderr } = await child.output();
  const dec = new TextDecoder();
  if (code !== 0) {
    const why = dec.decode(stderr).trim().split("\n").find((l) => /error/i.test(l)) ?? `exit ${code}`;
    throw new Error(`the npm package workerd could not be loaded: ${why}`);
  }
  return JSON.parse(dec.decode(stdout).trim().split("\n").pop()!);
}

export async function startWorkerdHello(): Promise<WorkerdStart> {
  let bin;
  try {
    bin = await locate();
    await Deno.stat(bin.path);
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
  const dir = await Deno.makeTempDir({ prefix: "denative-bench-workerd-" });
  const forgetDir = onStop(() => Deno.remove(dir, { recursive: true }).catch(() => {}));
  const port = freePort();
  // workerd refuses compatibility dates later than its own; the package says which it supports.
  await Deno.writeTextFile(`${dir}/config.capnp`, capnpConfig(port, bin.compatibilityDate ?? "2024-01-01"));
  await Deno.writeTextFile(`${dir}/worker.js`, WORKER_JS);
  let child: Deno.ChildProcess;
  try {
    child = spawnTracked(bin.path, {
      args: ["serve", `${dir}/config.capnp`],
      cwd: dir,
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    });
  } catch (err) {
    return { ok: false, reason: `workerd did not start: ${(err as Error).message}` };
  }
  const errors: string[] = [];
  (async () => {
    for await (const t of child.stderr.pipeThrough(new TextDecoderStream())) errors.push(t);
  })().catch(() => {});
  const host = `127.0.0.1:${port}`;
  const exited = child.status.then((s) => {
    throw new Error(`workerd exited with ${s.code}: ${errors.join("").trim().slice(0, 300)}`);
  });
  try {
    await Promise.race([waitUntilAnswers(port, host, 20_000), exited]);
  } catch (err) {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
    return { ok: false, reason: (err as Error).message };
  }
  exited.catch(() => {});
  return {
    ok: true,
    version: `workerd ${bin.version}`,
    server: {
      name: "workerd",
      port,
      host,
      rootPid: child.pid,
      stop: async () => {
        try {
          child.kill("SIGTERM");
        } catch { /* gone */ }
        await child.status;
        await Deno.remove(dir, { recursive: true }).catch(() => {});
        forgetDir();
      },
    },
  };
}
