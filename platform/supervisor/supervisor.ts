/** Owns one pool per revision, the pool hosts they share, and the limits every instance runs under. */
import { HostListener } from "./host_listener.ts";
import { RevisionPool } from "./revision_pool.ts";
import type { RevisionRuntimeSpec } from "./revision_runtime_spec.ts";
import { type HostEvents, HostProcess } from "./host_process.ts";
import { HostPool } from "./host_pool.ts";
import { HostLauncher } from "./host_launcher.ts";
import { systemClock } from "../clock/clock.ts";
import type { Logger } from "../log.ts";
import { type HostSharing, INSTANCE_DEFAULTS, SERVE_DEFAULTS } from "../config.ts";
import type { CapturedLog } from "../../runtime/log_capture.ts";
import type { RequestDone } from "./pool_types.ts";
import { SlotCodeCache } from "./slot_code_cache.ts";
import { DataPlaneBridge } from "./data_plane_bridge.ts";
import type { NetSandboxTools } from "./net_sandbox.ts";

/** Where what instances print and how their requests went are kept (see platform/logs/). */
export interface InstanceLogSink {
  printed(spec: RevisionRuntimeSpec, instance: number, log: CapturedLog): void;
  requestDone(spec: RevisionRuntimeSpec, done: RequestDone): void;
}

export interface SupervisorOptions {
  denoDir?: string;
  /** What functions may not reach on the network (`--deny-net` of the pool hosts). */
  denyNet?: string[];
  log: Logger;
  limits?: Partial<typeof INSTANCE_DEFAULTS>;
  /** Which revisions share a pool host process. */
  hostSharing?: HostSharing;
  /** Called when a pool's ready or desired instance count changes, or it is quarantined. */
  onScaleChange?: (namespace: string, revision: string) => void;
  /** Called when the activator holds a request and asks for capacity (the autoscaler's poke). */
  askCapacity?: (namespace: string, revision: string) => void;
  /** Where what functions print and the requests they finish go (per revision logs, metrics, traces). */
  logs?: InstanceLogSink;
  /**
   * `--net-sandbox strict`: pool hosts in network namespaces of their own (net_sandbox.ts). They start
   * once `openDataPlaneBridge` has been called.
   */
  strictNet?: { tools: NetSandboxTools };
}

export class Supervisor {
  #pools = new Map<string, RevisionPool>();
  #nextInstanceId = 1;
  readonly hosts: HostPool<HostProcess>;
  readonly limits: typeof INSTANCE_DEFAULTS;
  /** Deno's caches of revisions' code, carried from one instance's slot to the next. */
  readonly #codeCache: SlotCodeCache | undefined;
  /** In strict mode: the data plane's bridge, once the data port listens. */
  #bridge: Promise<{ bridge: DataPlaneBridge; dataPort: number }> | undefined;
  #bridgeOpened?: (opened: { bridge: DataPlaneBridge; dataPort: number }) => void;

  private constructor(private readonly listener: HostListener, private readonly opts: SupervisorOptions) {
    this.limits = { ...INSTANCE_DEFAULTS, ...opts.limits };
    if (opts.strictNet) this.#bridge = new Promise((resolve) => (this.#bridgeOpened = resolve));
    this.#codeCache = opts.denoDir
      ? new SlotCodeCache(opts.denoDir, opts.log.child("code-cache"))
      : undefined;
    this.hosts = new HostPool({
      spawn: (events, maxHeapMb, allowNet) => this.#spawn(events, maxHeapMb, allowNet),
      sharing: opts.hostSharing ?? SERVE_DEFAULTS.hostSharing,
      warmHosts: this.limits.warmHosts,
      instancesPerHost: this.limits.instancesPerHost,
      maxHostRssMb: this.limits.maxHostRssMb,
      log: opts.log.child("hosts"),
      onQuarantine: (key) => {
        const [namespace, revision] = key.split("/");
        opts.onScaleChange?.(namespace, revision);
      },
    });
  }

  static async start(opts: SupervisorOptions): Promise<Supervisor> {
    const supervisor = new Supervisor(await HostListener.open(), opts);
    supervisor.hosts.start();
    return supervisor;
  }

  /**
   * Strict mode: pool hosts reach the data port through a unix socket in the runtime directory (they
   * relay their namespace's 127.0.0.1:<dataPort> to it). `target` is where the data port listens.
   */
  openDataPlaneBridge(dataPort: number, target: Deno.ConnectOptions) {
    if (!this.#bridgeOpened) return;
    const bridge = DataPlaneBridge.open(`${this.listener.runtimeDir}/data.sock`, target);
    this.#bridgeOpened({ bridge, dataPort });
    this.#bridgeOpened = undefined;
  }

  async #spawn(
    events: HostEvents<HostProcess>,
    maxHeapMb = this.limits.maxHeapMb,
    allowNet: string[] = [],
  ): Promise<HostProcess> {
    const strict = this.opts.strictNet;
    const opened = strict ? await this.#bridge : undefined;
    return await HostProcess.spawn({
      ownNetwork: strict && opened
        ? { tools: strict.tools, dataPort: opened.dataPort, bridgePath: opened.bridge.path }
        : undefined,
      listener: this.listener,
      events,
      limits: { maxHeapMb, connectTimeoutMs: this.limits.connectTimeoutMs },
      denoDir: this.opts.denoDir,
      denyNet: this.opts.denyNet?.filter((entry) => !allowNet.includes(entry)),
      log: this.opts.log.child("host"),
    });
  }

  pool(namespace: string, revision: string): RevisionPool | undefined {
    return this.#pools.get(`${namespace}/${revision}`);
  }

  pools(): RevisionPool[] {
    return [...this.#pools.values()];
  }

  /** The pool for a revision, made on first use. A revision's runtime spec never changes. */
  ensurePool(spec: RevisionRuntimeSpec): RevisionPool {
    const key = `${spec.namespace}/${spec.revision}`;
    let pool = this.#pools.get(key);
    if (!pool) {
      this.hosts.limit(key, {
        maxHeapMb: spec.memoryLimitMb,
        cpuCores: spec.cpuLimitCores,
        allowNet: spec.allowNet,
      });
      const launcher = new HostLauncher({
        hosts: this.hosts,
        links: {
          path: this.listener.linkPath,
          expect: (token, timeoutMs, who) => this.listener.expect(token, timeoutMs, who),
        },
        spec,
        startTimeoutMs: this.limits.instanceStartTimeoutMs,
        onLog: (instance, log) => this.opts.logs?.printed(spec, instance, log),
        codeCache: this.#codeCache,
      });
      pool = new RevisionPool(spec, {
        launcher,
        clock: systemClock,
        nextInstanceId: () => this.#nextInstanceId++,
        limits: this.limits,
        log: this.opts.log,
        onScaleChange: () => this.opts.onScaleChange?.(spec.namespace, spec.revision),
        askCapacity: () => this.opts.askCapacity?.(spec.namespace, spec.revision),
        quarantine: () => this.hosts.quarantineOf(key),
        onRequestDone: this.opts.logs && ((done) => this.opts.logs!.requestDone(spec, done)),
      });
      this.#pools.set(key, pool);
    }
    return pool;
  }

  async removePool(namespace: string, revision: string, graceMs = 0) {
    const key = `${namespace}/${revision}`;
    const pool = this.#pools.get(key);
    if (!pool) return;
    this.#pools.delete(key);
    await pool.stop(graceMs);
  }

  async stop(graceMs: number) {
    await Promise.all([...this.#pools.values()].map((p) => p.stop(graceMs)));
    this.#pools.clear();
    this.hosts.stop();
    this.#codeCache?.close();
    this.#bridge?.then(({ bridge }) => bridge.close());
    await this.listener.close();
  }
}
