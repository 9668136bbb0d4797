/** Owns one pool per revision, the host socket, and the limits every instance runs under. */
import { HostListener } from "./host_listener.ts";
import { RevisionPool, type RevisionRuntimeSpec } from "./revision_pool.ts";
import type { Logger } from "../log.ts";
import { INSTANCE_DEFAULTS } from "../config.ts";

export interface SupervisorOptions {
  /** The code bundles' root; pool hosts may read it, each instance only its own bundle. */
  bundlesRoot: string;
  denoDir?: string;
  log: Logger;
  limits?: Partial<typeof INSTANCE_DEFAULTS>;
  /** Called when a pool's ready or desired instance count changes. */
  onScaleChange?: (namespace: string, revision: string) => void;
}

export class Supervisor {
  #pools = new Map<string, RevisionPool>();

  private constructor(private readonly listener: HostListener, private readonly opts: SupervisorOptions) {}

  static async start(opts: SupervisorOptions): Promise<Supervisor> {
    return new Supervisor(await HostListener.open(), opts);
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
      const limits = { ...INSTANCE_DEFAULTS, ...this.opts.limits };
      pool = new RevisionPool(spec, {
        host: {
          listener: this.listener,
          readDirs: [this.opts.bundlesRoot],
          limits: { maxHeapMb: limits.maxHeapMb, connectTimeoutMs: limits.connectTimeoutMs },
          denoDir: this.opts.denoDir,
        },
        limits,
        log: this.opts.log,
        onScaleChange: () => this.opts.onScaleChange?.(spec.namespace, spec.revision),
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
    await this.listener.close();
  }
}
