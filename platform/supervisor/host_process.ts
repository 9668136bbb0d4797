/**
 * One pool host child process, seen from the supervisor: spawn it with least privilege, wait for it
 * to connect, exchange frames, and kill it when it misbehaves.
 */
import { FrameType, FrameWriter, jsonPayload, parseJson } from "../../runtime/protocol.ts";
import type { Bytes, Frame } from "../../runtime/protocol.ts";
import type { HostListener } from "./host_listener.ts";
import type { Logger } from "../log.ts";
import { inOwnNetworkNamespace, type NetSandboxTools } from "./net_sandbox.ts";

export interface HostLimits {
  /** V8 heap limit of each isolate in the host, MiB. A function over it kills only its host. */
  maxHeapMb: number;
  /** How long a host may take to spawn and connect back, ms. */
  connectTimeoutMs: number;
}

/** What a host tells its owner. */
export interface HostEvents<H> {
  /** Once, when the host is gone, with why. */
  exited(host: H, reason: string): void;
  /** On each heartbeat, after `rss` is updated. */
  heartbeat(host: H): void;
}

export interface HostSpawnOptions {
  listener: HostListener;
  events: HostEvents<HostProcess>;
  limits: HostLimits;
  /** Where Deno caches npm packages, so functions' `npm:` imports resolve like the platform's. */
  denoDir?: string;
  /** `--deny-net` entries: what functions may not reach (see network_policy.ts). */
  denyNet?: string[];
  /** `--net-sandbox strict`: run in a network namespace of its own, the data plane relayed (net_sandbox.ts). */
  ownNetwork?: { dataPort: number; bridgePath: string; tools: NetSandboxTools };
  log: Logger;
}

/** How long after a spare worker is taken the next one is created. */
const SPARE_DELAY_MS = 200;
const HOST_SCRIPT = new URL("../../runtime/host.ts", import.meta.url);
const RUNTIME_DIR = new URL("../../runtime/", import.meta.url).pathname;

/** One instance living in a host, as the host pool sees it. */
export interface HostedInstance {
  /** `namespace/revision` of the instance. */
  readonly revisionKey: string;
  /** True while it has requests in flight: a suspect when its host dies without a known cause. */
  busy(): boolean;
  /** The host reported that this instance's worker failed (bad code, a throw at import...). */
  failed(error: string): void;
  /** Its host is gone, and the instance with it; `blamed` when its revision was the cause. */
  hostGone(reason: string, blamed: boolean): void;
}

export class HostProcess {
  /** Resident memory of the whole host process, from its heartbeat. */
  rss = 0;
  /** CPU time the whole host process has used, from its heartbeat, microseconds. */
  cpuMicros = 0;
  /** The instances running here, by instance id (ids are unique across revisions). */
  readonly hosted = new Map<number, HostedInstance>();
  readonly exited: Promise<void>;
  /** Resolves the moment the host is known to be gone (killed, exited, or its connection lost). */
  readonly whenGone: Promise<void>;
  #resolveGone!: () => void;
  #out: FrameWriter;
  #gone = false;
  #spares: string[] = [];
  #spareScheduled = false;
  #slotSeq = 1;

  private constructor(
    private readonly child: Deno.ChildProcess,
    private readonly conn: Deno.Conn,
    private readonly log: Logger,
    private readonly slotsRoot: string,
    private readonly events: HostEvents<HostProcess>,
  ) {
    this.#out = new FrameWriter(conn);
    this.whenGone = new Promise((resolve) => (this.#resolveGone = resolve));
    this.exited = child.status.then((s) => {
      this.#exit(s.signal ? `killed by ${s.signal}` : `exited with code ${s.code}`);
    });
  }

  static async spawn(opts: HostSpawnOptions): Promise<HostProcess> {
    const token = crypto.randomUUID();
    const sock = opts.listener.socketPath;
    const env: Record<string, string> = { NO_COLOR: "1" };
    if (opts.denoDir) env.DENO_DIR = opts.denoDir;
    const own = opts.ownNetwork;
    const readable = [opts.listener.slotsRoot, RUNTIME_DIR, sock, opts.listener.linkPath];
    const writable = [sock, opts.listener.slotsRoot, opts.listener.linkPath];
    if (own) {
      readable.push(own.bridgePath);
      writable.push(own.bridgePath);
    }
    const deno = {
      command: Deno.execPath(),
      args: [
        "run",
        "--quiet",
        "--no-config",
        "--no-lock",
        "--no-prompt",
        // Dependencies were resolved when the function was deployed: starting one never fetches a module.
        "--cached-only",
        "--unstable-worker-options",
        "--allow-net",
        ...(opts.denyNet?.length ? [`--deny-net=${opts.denyNet.join(",")}`] : []),
        `--allow-read=${readable.join(",")}`,
        // The slots root: its workers' emptyDirs are there (each worker may write only its own).
        // The link socket: its workers connect there before their permission for it is revoked.
        // The data-plane bridge: the host itself relays to it; its workers may neither read nor write it.
        `--allow-write=${writable.join(",")}`,
        `--v8-flags=--max-old-space-size=${opts.limits.maxHeapMb}`,
        `--import-map=${opts.listener.importMapPath}`,
        HOST_SCRIPT.pathname,
        sock,
        token,
        opts.listener.linkPath,
        ...(own ? [String(own.dataPort), own.bridgePath] : []),
      ],
    };
    const { command, args } = own ? inOwnNetworkNamespace(own.tools, deno.command, deno.args) : deno;
    const child = new Deno.Command(command, {
      args,
      clearEnv: true,
      env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    pipeLines(child.stdout, opts.log.info);
    pipeLines(child.stderr, opts.log.warn);
    let connection;
    try {
      connection = await Promise.race([
        opts.listener.expect(token, opts.limits.connectTimeoutMs),
        child.status.then((s) => {
          throw new Error(`the pool host exited during start (code ${s.code})`);
        }),
      ]);
    } catch (err) {
      opts.listener.cancel(token);
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
      throw err;
    }
    const host = new HostProcess(child, connection.conn, opts.log, opts.listener.slotsRoot, opts.events);
    host.#readLoop(connection.reader, connection.leftover);
    host.#prepareSpare();
    return host;
  }

  /**
   * A slot for a new instance: one with an idle worker already waiting when there is one. Another
   * spare is prepared at once, so the next scale-up does not wait for a worker either.
   */
  claimSlot(): string {
    const slot = this.#spares.shift() ?? this.#newSlot();
    // One spare per host is enough (each costs an idle isolate); not at once: the instance being
    // started should have the host's CPU first.
    if (this.#spares.length === 0 && !this.#spareScheduled) {
      this.#spareScheduled = true;
      setTimeout(() => {
        this.#spareScheduled = false;
        if (this.#spares.length === 0) this.#prepareSpare();
      }, SPARE_DELAY_MS);
    }
    return slot;
  }

  #newSlot(): string {
    return `${this.slotsRoot}/${this.child.pid}-${this.#slotSeq++}`;
  }

  #prepareSpare() {
    if (this.#gone) return;
    const slot = this.#newSlot();
    this.#spares.push(slot);
    this.send(FrameType.PrepareSpare, 0, jsonPayload({ slot }));
  }

  get gone(): boolean {
    return this.#gone;
  }

  get pid(): number {
    return this.child.pid;
  }

  send(type: FrameType, stream: number, payload?: Bytes): Promise<void> {
    return this.#out.write(type, stream, payload);
  }

  /** Ends the process at once: the only way to stop an isolate stuck in a loop. */
  kill(reason: string) {
    if (this.#gone) return;
    this.log.warn(`killing pool host ${this.child.pid}: ${reason}`);
    try {
      this.child.kill("SIGKILL");
    } catch { /* already gone */ }
    this.#exit(reason);
  }

  async #readLoop(reader: import("../../runtime/protocol.ts").FrameReader, leftover: Frame[]) {
    for (const f of leftover) this.#dispatch(f);
    const buf = new Uint8Array(256 * 1024);
    try {
      while (true) {
        const n = await this.conn.read(buf);
        if (n === null) break;
        for (const f of reader.push(buf.subarray(0, n) as Bytes)) this.#dispatch(f);
      }
    } catch {
      // connection lost
    }
    this.kill("its connection closed");
  }

  #dispatch(f: Frame) {
    try {
      if (f.type === FrameType.InstanceFailed) {
        this.hosted.get(f.stream)?.failed(parseJson<{ error: string }>(f.payload).error);
      } else if (f.type === FrameType.Heartbeat) {
        const beat = parseJson<{ rss: number; cpuMicros?: number }>(f.payload);
        this.rss = beat.rss;
        this.cpuMicros = beat.cpuMicros ?? 0;
        this.events.heartbeat(this);
      }
    } catch (err) {
      this.log.error(`handling a ${f.type} frame failed: ${err}`);
    }
  }

  #exit(reason: string) {
    if (this.#gone) return;
    this.#gone = true;
    this.#resolveGone();
    this.#out.close();
    try {
      this.conn.close();
    } catch { /* closed */ }
    this.events.exited(this, reason);
  }
}

async function pipeLines(stream: ReadableStream<Uint8Array>, write: (line: string) => void) {
  try {
    let buffered = "";
    for await (const text of stream.pipeThrough(new TextDecoderStream())) {
      buffered += text;
      const lines = buffered.split("\n");
      buffered = lines.pop()!;
      for (const line of lines) if (line) write(line);
    }
    if (buffered) write(buffered);
  } catch {
    // the process went away
  }
}
