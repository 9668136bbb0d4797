/**
 * Starts the real platform (`platform/main.ts`) as a subprocess on free ports with a temporary
 * state directory, for integration tests. Functions are copied from fixture directories.
 */
import http from "node:http";
import { Readable } from "node:stream";
import { removeOrphanedRuntimeDirs } from "../platform/supervisor/runtime_dir.ts";

const ROOT = new URL("../", import.meta.url).pathname;
export const FIXTURES = `${ROOT}test/fixtures/functions`;
export const EXAMPLES = `${ROOT}functions`;

export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

export interface PlatformOptions {
  /** service name -> directory to copy into the functions dir. */
  functions?: Record<string, string>;
  /** Reuse a state directory (to test restarts). */
  state?: string;
  env?: Record<string, string>;
  watch?: boolean;
  /** More command-line flags, e.g. `["--database", url, "--node-name", "n1"]` for cluster mode. */
  args?: string[];
}

/**
 * State directories the harness created. The Platform that stops on one removes it, unless it is being
 * restarted; whatever a test leaves (a platform killed and not restarted) goes when the test process ends.
 */
const harnessStates = new Set<string>();
const harnessDirs = new Set<string>();
globalThis.addEventListener("unload", () => {
  for (const dir of [...harnessStates, ...harnessDirs]) {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch { /* already gone */ }
  }
});

/** A temporary directory for a test's files, removed when the test process ends. */
export async function tempDir(prefix = "denative-test-"): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix });
  harnessDirs.add(dir);
  return dir;
}

export class Platform {
  #logs: string[] = [];
  private constructor(
    readonly port: number,
    readonly adminPort: number,
    /** The Kubernetes-compatible API (HTTPS); `kubeconfig` points kubectl at it. */
    readonly apiPort: number,
    readonly state: string,
    readonly functionsDir: string,
    private readonly child: Deno.ChildProcess,
    private readonly opts: PlatformOptions,
  ) {}

  static async start(opts: PlatformOptions = {}): Promise<Platform> {
    let state = opts.state;
    if (state === undefined) {
      state = await Deno.makeTempDir({ prefix: "denative-test-state-" });
      harnessStates.add(state);
    }
    const functionsDir = await Deno.makeTempDir({ prefix: "denative-test-fns-" });
    harnessDirs.add(functionsDir);
    for (const [name, src] of Object.entries(opts.functions ?? {})) {
      await copyDir(src, `${functionsDir}/${name}`);
    }
    const port = freePort();
    const adminPort = freePort();
    const apiPort = freePort();
    const args = [
      "run",
      "--allow-all",
      "--unstable-worker-options",
      "--unstable-no-legacy-abort",
      `${ROOT}platform/main.ts`,
      "--port",
      String(port),
      "--admin-port",
      String(adminPort),
      "--api-port",
      String(apiPort),
      "--state",
      state,
      "--functions",
      functionsDir,
    ];
    if (!opts.watch) args.push("--no-watch");
    args.push(...opts.args ?? []);
    const child = new Deno.Command(Deno.execPath(), {
      args,
      env: { NO_COLOR: "1", ...opts.env },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const platform = new Platform(port, adminPort, apiPort, state, functionsDir, child, opts);
    platform.#collect(child.stdout);
    platform.#collect(child.stderr);
    await platform.#waitHealthy();
    return platform;
  }

  get token(): string {
    return Deno.readTextFileSync(`${this.state}/admin-token`).trim();
  }

  /** The kubeconfig the platform wrote: kubectl and client libraries reach the API with it. */
  get kubeconfig(): string {
    return `${this.state}/kubeconfig`;
  }

  get logs(): string {
    return this.#logs.join("");
  }

  get pid(): number {
    return this.child.pid;
  }

  /** Calls a function by host, as Knative does: {service}.{namespace}.localhost. */
  call(service: string, path = "/", init: RequestInit & { tag?: string; namespace?: string } = {}) {
    const host = `${init.tag ? `${init.tag}-` : ""}${service}.${init.namespace ?? "default"}.localhost`;
    return hostFetch(this.port, `${host}:${this.port}`, path, init);
  }

  /** Calls the admin API with the token. */
  admin(path: string, init: RequestInit = {}) {
    const headers = new Headers(init.headers);
    if (!headers.has("authorization")) headers.set("authorization", `Bearer ${this.token}`);
    return fetch(`http://127.0.0.1:${this.adminPort}${path}`, { ...init, headers });
  }

  async adminJson<T = Record<string, unknown>>(path: string, init: RequestInit = {}): Promise<T> {
    const res = await this.admin(path, init);
    const body = await res.json();
    if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${res.status} ${JSON.stringify(body)}`);
    return body as T;
  }

  service(name: string, namespace = "default") {
    return this.adminJson<ServiceDoc>(
      `/apis/serving.knative.dev/v1/namespaces/${namespace}/services/${name}`,
    );
  }

  async putService(doc: unknown, namespace = "default") {
    const name = (doc as { metadata: { name: string } }).metadata.name;
    return await this.adminJson<ServiceDoc>(
      `/apis/serving.knative.dev/v1/namespaces/${namespace}/services/${name}`,
      {
        method: "PUT",
        body: JSON.stringify(doc),
        headers: { "content-type": "application/json" },
      },
    );
  }

  /** Uploads a directory as a bundle and returns its image reference. */
  async uploadBundle(dir: string): Promise<string> {
    const files = [];
    for await (const path of walk(dir)) {
      const data = await Deno.readFile(`${dir}/${path}`);
      files.push({ path, data: btoa(String.fromCharCode(...data)) });
    }
    const res = await this.adminJson<{ image: string }>("/bundles", {
      method: "POST",
      body: JSON.stringify({ files }),
      headers: { "content-type": "application/json" },
    });
    return res.image;
  }

  /** Waits until the Service's latest spec is reconciled to Ready or Failed. */
  async settled(name: string, namespace = "default", timeoutMs = 30_000): Promise<ServiceDoc> {
    const until = Date.now() + timeoutMs;
    while (true) {
      const svc = await this.service(name, namespace).catch(() => undefined);
      const ready = svc?.status?.conditions?.find((c) => c.type === "Ready")?.status;
      if (svc && svc.status?.observedGeneration === svc.metadata.generation && ready && ready !== "Unknown") {
        return svc;
      }
      if (Date.now() > until) {
        throw new Error(`service ${name} did not settle: ${JSON.stringify(svc?.status)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Stops the platform gracefully and removes the temporary directories the harness made for it. */
  async stop() {
    await this.#terminate();
    await this.#removeDirs(true);
  }

  async #terminate() {
    try {
      this.child.kill("SIGTERM");
    } catch { /* gone */ }
    const timer = setTimeout(() => {
      try {
        this.child.kill("SIGKILL");
      } catch { /* gone */ }
    }, 15_000);
    await this.child.status;
    clearTimeout(timer);
  }

  /**
   * Kills the platform without a graceful stop, as a crash would. Its state stays (tests restart on it);
   * its runtime directory goes, as the next platform to start would remove it.
   */
  async kill() {
    this.child.kill("SIGKILL");
    await this.child.status;
    await removeOrphanedRuntimeDirs(this.pid);
    await this.#removeDirs(false);
  }

  /** Starts a new platform process on the same state directory (and same functions). */
  async restart(): Promise<Platform> {
    await this.#terminate();
    await this.#removeDirs(false);
    return await Platform.start({ ...this.opts, state: this.state, functions: {} });
  }

  async #removeDirs(withState: boolean) {
    const dirs = [this.functionsDir];
    if (withState && harnessStates.delete(this.state)) dirs.push(this.state);
    harnessDirs.delete(this.functionsDir);
    for (const dir of dirs) await Deno.remove(dir, { recursive: true }).catch(() => {});
  }

  async #waitHealthy() {
    const until = Date.now() + 60_000;
    while (Date.now() < until) {
      try {
        const res = await fetch(`http://127.0.0.1:${this.adminPort}/healthz`);
        await res.body?.cancel();
        if (res.ok) return;
      } catch { /* not up yet */ }
      const exited = await Promise.race([
        this.child.status,
        new Promise((r) => setTimeout(() => r(null), 100)),
      ]);
      if (exited) throw new Error(`the platform exited during start:\n${this.logs}`);
    }
    throw new Error(`the platform did not become healthy:\n${this.logs}`);
  }

  async #collect(stream: ReadableStream<Uint8Array>) {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) this.#logs.push(chunk);
  }
}

export interface ServiceDoc {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; generation: number; [k: string]: unknown };
  spec: Record<string, unknown> & { template: { spec: Record<string, unknown> } };
  status?: {
    url?: string;
    observedGeneration?: number;
    latestCreatedRevisionName?: string;
    latestReadyRevisionName?: string;
    traffic?: { revisionName: string; percent: number; tag?: string; url?: string }[];
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  };
}

/**
 * fetch() with a Host header of our choosing (Deno's fetch drops it, and does not resolve
 * *.localhost the way curl and browsers do), through node:http to 127.0.0.1.
 */
export function hostFetch(
  port: number,
  host: string,
  path: string,
  init: RequestInit = {},
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = Object.fromEntries(new Headers(init.headers));
    headers.host = host;
    const req = http.request(
      { host: "127.0.0.1", port, path, method: init.method ?? "GET", headers, agent: false },
      (res) => {
        const out = new Headers();
        for (const [k, v] of Object.entries(res.headers)) {
          for (const value of Array.isArray(v) ? v : [v ?? ""]) out.append(k, value);
        }
        const nullBody = [101, 204, 205, 304].includes(res.statusCode!) || init.method === "HEAD";
        if (nullBody) res.resume();
        const body = nullBody ? null : Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>;
        resolve(new Response(body, { status: res.statusCode, headers: out }));
      },
    );
    req.on("error", reject);
    // Aborting closes the connection, which is how a platform sees a caller go away.
    init.signal?.addEventListener("abort", () => req.destroy(new DOMException("aborted", "AbortError")), {
      once: true,
    });
    const body = init.body;
    if (body instanceof ReadableStream) {
      (async () => {
        for await (const chunk of body as ReadableStream<Uint8Array>) {
          if (!req.write(chunk)) await new Promise((r) => req.once("drain", r));
        }
        req.end();
      })().catch(reject);
    } else {
      if (body !== undefined && body !== null) req.write(body as string | Uint8Array);
      req.end();
    }
  });
}

async function* walk(dir: string, rel = ""): AsyncGenerator<string> {
  for await (const e of Deno.readDir(rel ? `${dir}/${rel}` : dir)) {
    const path = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory) yield* walk(dir, path);
    else if (e.isFile) yield path;
  }
}

export async function copyDir(src: string, dest: string) {
  await Deno.mkdir(dest, { recursive: true });
  for await (const path of walk(src)) {
    const target = `${dest}/${path}`;
    await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
    await Deno.copyFile(`${src}/${path}`, target);
  }
}

/** What a finished command printed and how it ended. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end, feeding it `stdin` when given (else no standard input). */
export async function runCommand(
  command: string,
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string; stdin?: string } = {},
): Promise<Run> {
  const child = new Deno.Command(command, {
    args,
    cwd: opts.cwd,
    env: opts.env,
    stdin: opts.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (opts.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(opts.stdin));
    await writer.close();
  }
  const out = await child.output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

/** Runs `dn` against a platform (its admin URL and token in the environment). */
export function runDn(platform: Platform, args: string[], stdin?: string): Promise<Run> {
  return runCommand(Deno.execPath(), ["run", "--allow-all", `${ROOT}platform/cli/main.ts`, ...args], {
    cwd: ROOT,
    env: {
      NO_COLOR: "1",
      DENATIVE_ADMIN: `http://127.0.0.1:${platform.adminPort}`,
      DENATIVE_TOKEN: platform.token,
    },
    stdin,
  });
}

/** A Service document for a bundle image, with optional template spec fields and traffic. */
export function serviceDoc(
  name: string,
  image: string,
  opts: { spec?: Record<string, unknown>; annotations?: Record<string, string>; traffic?: unknown[] } = {},
) {
  return {
    apiVersion: "serving.knative.dev/v1",
    kind: "Service",
    metadata: { name },
    spec: {
      template: {
        ...(opts.annotations ? { metadata: { annotations: opts.annotations } } : {}),
        spec: { ...opts.spec, containers: [{ image }] },
      },
      ...(opts.traffic ? { traffic: opts.traffic } : {}),
    },
  };
}

/** Polls `probe` until it gives a value (errors count as "not yet"); fails naming `what` after the timeout. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  everyMs = 100,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last}` : ""}`);
}
