/** Owns one pool per revision, the host socket, and the limits every instance runs under. */
import { HostListener } from "./host_listener.ts";
import { RevisionPool, type RevisionRuntimeSpec } from "./revision_pool.ts";
import { HostProcess } from "./host_process.ts";
import type { Logger } from "../log.ts";
import { INSTANCE_DEFAULTS } from "../config.ts";

/** How long after taking a warm host its replacement is spawned. */
const REFILL_DELAY_MS = 250;

export interface SupervisorOptions {
  denoDir?: string;
  log: Logger;
  limits?: Partial<typeof INSTANCE_DEFAULTS>;
  /** Called when a pool's ready or desired instance count changes. */
  onScaleChange?: (namespace: string, revision: string) => void;
  /** Called when a request waits at a revision with no instance (the activator's poke). */
  onColdRequest?: (namespace: string, revision: string) => void;
}

export class Supervisor {
  #pools = new Map<string, RevisionPool>();
  /** Pool hosts spawned ahead of need, each with an idle worker: scaling from zero spawns nothing. */
  #warm: HostProcess[] = [];
  #warming = 0;
  #stopped = false;
  readonly limits: typeof INSTANCE_DEFAULTS;

  private constructor(private readonly listener: HostListener, private readonly opts: SupervisorOptions) {
    this.limits = { ...INSTANCE_DEFAULTS, ...opts.limits };
  }

  static async start(opts: SupervisorOptions): Promise<Supervisor> {
    const supervisor = new Supervisor(await HostListener.open(), opts);
    supervisor.#refillWarm();
    return supervisor;
  }

  /** A host for a revision: a warm one if ready (and another starts warming), else a fresh spawn. */
  async acquireHost(log: Logger): Promise<HostProcess> {
    const warm = this.#warm.shift();
    // Spawning is slow and synchronous in part: let this cold start finish first.
    setTimeout(() => this.#refillWarm(), REFILL_DELAY_MS);
    if (warm && !warm.gone) {
      warm.onExit = () => {};
      return warm;
    }
    return await this.#spawn(log);
  }

  #spawn(log: Logger): Promise<HostProcess> {
    return HostProcess.spawn({
      listener: this.listener,
      limits: { maxHeapMb: this.limits.maxHeapMb, connectTimeoutMs: this.limits.connectTimeoutMs },
      denoDir: this.opts.denoDir,
      log,
    });
  }

  #refillWarm() {
    while (!this.#stopped && this.#warm.length + this.#warming < this.limits.warmHosts) {
      this.#warming++;
      this.#spawn(this.opts.log.child("warm-host"))
        .then((host) => {
          if (this.#stopped) return host.kill("the supervisor stopped");
          host.onExit = () => {
            this.#warm = this.#warm.filter((h) => h !== host);
            this.#refillWarm();
          };
          this.#warm.push(host);
        })
        .catch((err) => this.opts.log.warn(`warming a pool host failed: ${err.message}`))
        .finally(() => this.#warming--);
    }
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
      pool = new RevisionPool(spec, {
        acquireHost: (log) => this.acquireHost(log),
        links: {
          port: this.listener.linkPort,
          expect: (token, timeoutMs, who) => this.listener.expect(token, timeoutMs, who),
        },
        limits: this.limits,
        log: this.opts.log,
        onScaleChange: () => this.opts.onScaleChange?.(spec.namespace, spec.revision),
      });
      pool.onColdRequest = () => this.opts.onColdRequest?.(spec.namespace, spec.revision);
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
    this.#stopped = true;
    for (const host of this.#warm.splice(0)) host.kill("the supervisor stopped");
    await Promise.all([...this.#pools.values()].map((p) => p.stop(graceMs)));
    this.#pools.clear();
    await this.listener.close();
  }
}
