/**
 * The instances of one revision and their lifecycle over pool hosts: it converges the set to the
 * desired count (set only through scaleTo, by the autoscaler), starts the first instance from zero
 * alone, drains busy instances before stopping them, enforces containerConcurrency as a per-instance
 * limit when handing out slots, and kills an instance's host when it stops answering pings.
 * How an instance is started (host, code slot, link) is the launcher's business.
 */
import { after, type Clock } from "../clock/clock.ts";
import type { Frame } from "../../runtime/protocol.ts";
import type { RelayLink } from "./request_relay.ts";
import type { Logger } from "../log.ts";

/** What a launcher hands back for an instance on its way. */
export interface InstanceHandle {
  readonly hostPid: number;
  /** Its own connection, for requests. */
  readonly link: RelayLink;
  ping(): void;
  /** Stops the isolate and gives its slot back. */
  stop(): void;
  /** Kills its whole host: the only way to end an isolate stuck in a loop. */
  killHost(reason: string): void;
}

/** What happens to an instance, as its launcher reports it. */
export interface InstanceEvents {
  /** Whether it has requests in flight (asked when its host dies, to tell whom to blame). */
  busy(): boolean;
  ready(): void;
  failed(error: string): void;
  /** Its host died; `blamed` when its own revision was the cause. */
  hostGone(reason: string, blamed: boolean): void;
  pong(): void;
  stats(heapUsed: number, cpuMicros: number): void;
  /** A frame of one of its requests. */
  frame(frame: Frame): void;
}

export interface InstanceLauncher {
  /** Begins starting instance `id`; rejects when it cannot (no host). */
  launch(id: number, events: InstanceEvents): Promise<InstanceHandle>;
}

export type InstanceState = "starting" | "ready" | "draining";

export interface Instance {
  readonly id: number;
  state: InstanceState;
  inFlight: number;
  heapUsed: number;
  cpuMicros: number;
  handle?: InstanceHandle;
  readonly startedAt: number;
}

/** What the instance set tells its revision pool. */
export interface InstanceSetListener {
  /** An instance can take requests. */
  ready(instance: Instance, startMs: number): void;
  /** An instance is gone before its time: its requests cannot finish. */
  lost(instance: Instance, error: string): void;
  /** A frame of one of an instance's requests. */
  frame(instance: Instance, frame: Frame): void;
  /** Ready or desired counts changed. */
  changed(): void;
}

export interface InstanceSetOptions {
  launcher: InstanceLauncher;
  clock: Clock;
  nextId: () => number;
  /** Requests in flight per instance at most; 0 = unlimited. */
  containerConcurrency: number;
  startTimeoutMs: number;
  stuckProbeMs: number;
  revision: string;
  log: Logger;
  listener: InstanceSetListener;
}

export class InstanceSet {
  #instances = new Map<number, Instance>();
  #desired = 0;
  #stopped = false;
  #pongs = new Map<number, () => void>();
  /** Cancels of the start timeouts of instances still starting. */
  #startTimers = new Map<number, () => void>();

  constructor(private readonly opts: InstanceSetOptions) {}

  get desired(): number {
    return this.#desired;
  }

  all(): IterableIterator<Instance> {
    return this.#instances.values();
  }

  count(state: InstanceState): number {
    let n = 0;
    for (const i of this.#instances.values()) if (i.state === state) n++;
    return n;
  }

  /** Instances starting or ready (not draining). */
  get live(): number {
    return this.#instances.size - this.count("draining");
  }

  /** Requests in flight over all instances. */
  get inFlight(): number {
    let n = 0;
    for (const i of this.#instances.values()) n += i.inFlight;
    return n;
  }

  /** Summed resource use of the ready instances, from their heartbeats: CPU microseconds and heap bytes. */
  usage(): { cpuMicros: number; heapBytes: number; instances: number } {
    let cpuMicros = 0, heapBytes = 0, instances = 0;
    for (const i of this.#instances.values()) {
      if (i.state !== "ready") continue;
      cpuMicros += i.cpuMicros;
      heapBytes += i.heapUsed;
      instances++;
    }
    return { cpuMicros, heapBytes, instances };
  }

  /** Sets how many instances should run; extra idle instances stop, busy ones drain first. */
  scaleTo(n: number) {
    this.#desired = Math.max(0, n);
    this.converge();
  }

  /** The least busy ready instance with room, its slot taken; undefined when there is none. */
  pick(): Instance | undefined {
    const cc = this.opts.containerConcurrency;
    let best: Instance | undefined;
    for (const i of this.#instances.values()) {
      if (i.state !== "ready" || !i.handle || (cc > 0 && i.inFlight >= cc)) continue;
      if (!best || i.inFlight < best.inFlight) best = i;
    }
    if (best) best.inFlight++;
    return best;
  }

  /** A request on `instance` is over. */
  release(instance: Instance) {
    instance.inFlight--;
    if (instance.state === "draining" && instance.inFlight === 0) this.#stop(instance);
  }

  /** After a timeout: an instance that cannot answer a ping is stuck, and only killing its host ends it. */
  probe(instance: Instance) {
    const handle = instance.handle;
    if (!handle || this.#pongs.has(instance.id) || this.#instances.get(instance.id) !== instance) return;
    const cancel = after(this.opts.clock, this.opts.stuckProbeMs, () => {
      this.#pongs.delete(instance.id);
      if (this.#instances.get(instance.id) !== instance) return;
      handle.killHost(
        `${this.opts.revision}: instance ${instance.id} stopped answering after a request timed out (a busy loop?)`,
      );
    });
    this.#pongs.set(instance.id, cancel);
    handle.ping();
  }

  stopAll() {
    this.#stopped = true;
    for (const i of [...this.#instances.values()]) this.#stop(i);
  }

  converge() {
    if (this.#stopped) return;
    let want = this.#desired;
    let live = this.live;
    const ready = this.count("ready");
    // From zero, the first instance starts alone: held requests wait on it, and the others
    // (started once it is ready) would only compete with it for the CPU.
    if (ready === 0) want = Math.min(want, Math.max(live, 1));
    for (; live < want; live++) this.#start();
    if (live > want) {
      // Stop the least busy first; a busy instance drains before it stops.
      const candidates = [...this.#instances.values()].filter((i) => i.state === "ready")
        .sort((a, b) => a.inFlight - b.inFlight);
      for (const i of candidates) {
        if (live <= want) break;
        live--;
        if (i.inFlight === 0) this.#stop(i);
        else i.state = "draining";
      }
    }
    this.opts.listener.changed();
  }

  #start() {
    const instance: Instance = {
      id: this.opts.nextId(),
      state: "starting",
      inFlight: 0,
      heapUsed: 0,
      cpuMicros: 0,
      startedAt: this.opts.clock.now(),
    };
    this.#instances.set(instance.id, instance);
    const mine = () => this.#instances.get(instance.id) === instance;
    const events: InstanceEvents = {
      busy: () => instance.inFlight > 0,
      ready: () => {
        if (!mine() || instance.state !== "starting") return;
        instance.state = "ready";
        this.#cancelStartTimer(instance);
        this.opts.listener.ready(instance, this.opts.clock.now() - instance.startedAt);
      },
      failed: (error) => mine() && this.#lose(instance, error),
      hostGone: (reason, blamed) => {
        if (!mine()) return;
        const pid = instance.handle?.hostPid ?? "";
        this.opts.log.warn(
          `${this.opts.revision}: instance ${instance.id} lost with pool host ${pid} (${reason})`,
        );
        // A bystander comes back at once on another host; the blamed revision at the next decision.
        this.#lose(instance, `its pool host ${reason}`, { logged: true, restart: !blamed });
      },
      pong: () => {
        this.#pongs.get(instance.id)?.();
        this.#pongs.delete(instance.id);
      },
      stats: (heapUsed, cpuMicros) => {
        instance.heapUsed = heapUsed;
        instance.cpuMicros = cpuMicros;
      },
      frame: (f) => this.opts.listener.frame(instance, f),
    };
    this.opts.launcher.launch(instance.id, events).then(
      (handle) => {
        if (!mine()) return handle.stop();
        instance.handle = handle;
      },
      (err) => mine() && this.#lose(instance, (err as Error).message),
    );
    this.#startTimers.set(
      instance.id,
      after(this.opts.clock, this.opts.startTimeoutMs, () => {
        this.#startTimers.delete(instance.id);
        if (mine() && instance.state === "starting") {
          this.#lose(instance, `the code did not load within ${this.opts.startTimeoutMs} ms`);
        }
      }),
    );
  }

  #cancelStartTimer(instance: Instance) {
    this.#startTimers.get(instance.id)?.();
    this.#startTimers.delete(instance.id);
  }

  /** The instance is gone before its time: forget it, stop what is left of it, tell the pool. */
  #lose(instance: Instance, error: string, opts: { logged?: boolean; restart?: boolean } = {}) {
    this.#instances.delete(instance.id);
    this.#pongs.delete(instance.id);
    this.#cancelStartTimer(instance);
    instance.handle?.stop();
    if (!opts.logged) this.opts.log.warn(`${this.opts.revision}: instance ${instance.id} failed: ${error}`);
    // Its replacement is on its way before the pool hears of the loss (held requests wait for it).
    if (opts.restart) this.converge();
    this.opts.listener.lost(instance, error);
    this.opts.listener.changed();
  }

  #stop(instance: Instance) {
    this.#instances.delete(instance.id);
    this.#cancelStartTimer(instance);
    instance.handle?.stop();
    this.opts.listener.changed();
  }
}
