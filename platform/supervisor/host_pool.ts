/**
 * Which pool host process an instance runs in. Hosts are shared: by default one namespace's
 * revisions share hosts (`--host-sharing namespace`), so a Service costs an isolate, not a process.
 *
 * Sharing has one cost: a host that must be killed (an isolate stuck in a loop, a heap overflow, too
 * much memory) takes every instance in it along. The revision blamed for it is quarantined: from
 * then on its instances get hosts of their own. The others' instances are told at once, so they can
 * start again on another host; their requests in flight at that moment fail with 502.
 */
import type { HostSharing } from "../config.ts";
import type { Logger } from "../log.ts";
import type { HostedInstance, HostEvents } from "./host_process.ts";
import { after, type Clock, systemClock } from "../clock/clock.ts";
import { CPU_LIMIT_EXCEEDED, CpuBudget, cpuBurstMs } from "./cpu_budget.ts";

/** A revision's `resources.limits`: its instances run in hosts of their own that enforce them. */
export interface RevisionLimits {
  /** Heap limit of each of its isolates, MiB. */
  maxHeapMb?: number;
  /** CPU per request per second of wall time, cores. */
  cpuCores?: number;
  /** Entries taken off the network deny list (`denative.dev/allow-net`): per process, like a heap limit. */
  allowNet?: string[];
}

/** What the host pool needs from a host (HostProcess, or a fake in tests). */
export interface PoolHost {
  readonly pid: number;
  readonly gone: boolean;
  rss: number;
  /** Cumulative CPU time of the host process, microseconds (from its heartbeat). */
  cpuMicros?: number;
  readonly hosted: Map<number, HostedInstance>;
  kill(reason: string): void;
}

export interface HostPoolOptions<H extends PoolHost> {
  /**
   * Starts a new host process that reports to `events`; `maxHeapMb` overrides the isolates' default
   * heap limit, `allowNet` entries are taken off its network deny list.
   */
  spawn: (events: HostEvents<H>, maxHeapMb?: number, allowNet?: string[]) => Promise<H>;
  sharing: HostSharing;
  /** Hosts kept spawned and idle, so that a new group's first instance spawns nothing. */
  warmHosts: number;
  /** At most this many instances per host; a full group gets another host. */
  instancesPerHost: number;
  /** A host whose resident memory passes this is killed, MiB. */
  maxHostRssMb: number;
  log: Logger;
  /** A revision was blamed for a host's death and now runs alone. */
  onQuarantine?: (revisionKey: string, reason: string) => void;
  /** Waits before a warm host's replacement is spawned (spawning competes with the cold start). */
  refillDelayMs?: number;
  /** @default systemClock */
  clock?: Clock;
}

export class HostPool<H extends PoolHost> {
  /** Live hosts by sharing group. */
  #groups = new Map<string, H[]>();
  #groupOf = new Map<H, string>();
  #spawning = new Map<string, Promise<H>>();
  #warm: H[] = [];
  #warming = 0;
  /** Revision key -> why it runs in hosts of its own. */
  #quarantined = new Map<string, string>();
  /** Revisions blamed for a kill the pool itself decided, read when the host's exit arrives. */
  #blamed = new Map<H, string[]>();
  /** Revision key -> its limits, for revisions that declare any. */
  #limits = new Map<string, RevisionLimits>();
  #cpuBudgets = new Map<H, CpuBudget>();
  #stopped = false;
  /** Every host's events: a warm host leaves the warm list; a used one ends its instances. */
  readonly #events: HostEvents<H> = {
    exited: (host, reason) => {
      if (this.#warm.includes(host)) {
        this.#warm = this.#warm.filter((h) => h !== host);
        this.#refillWarm();
      } else if (this.#groupOf.has(host)) this.#onExit(host, reason);
    },
    heartbeat: (host) => {
      const group = this.#groupOf.get(host);
      if (group === undefined) return;
      this.#checkMemory(host);
      if (group.startsWith("limited:")) this.#checkCpu(host, group.slice(8));
    },
  };

  constructor(private readonly opts: HostPoolOptions<H>) {}

  /** Spawns the warm hosts. */
  start() {
    this.#refillWarm();
  }

  /**
   * Declares a revision's limits: a heap limit and a network allowance are per process flags and a CPU
   * limit is measured per process, so its instances run in hosts of their own.
   */
  limit(revisionKey: string, limits: RevisionLimits) {
    if (limits.maxHeapMb === undefined && limits.cpuCores === undefined && !limits.allowNet?.length) return;
    this.#limits.set(revisionKey, limits);
  }

  /** The sharing group of a revision's instances. */
  groupFor(revisionKey: string): string {
    if (this.#limits.has(revisionKey)) return `limited:${revisionKey}`;
    if (this.#quarantined.has(revisionKey)) return `quarantine:${revisionKey}`;
    switch (this.opts.sharing) {
      case "all":
        return "all";
      case "revision":
        return `revision:${revisionKey}`;
      default:
        return `namespace:${revisionKey.slice(0, revisionKey.indexOf("/"))}`;
    }
  }

  /** Why a revision runs in hosts of its own, or undefined when it shares. */
  quarantineOf(revisionKey: string): string | undefined {
    return this.#quarantined.get(revisionKey);
  }

  hosts(): H[] {
    return [...this.#groupOf.keys()];
  }

  /** A host for instance `id` of a revision, with the instance registered in it. */
  async acquire(id: number, instance: HostedInstance): Promise<H> {
    while (true) {
      if (this.#stopped) throw new Error("the supervisor is stopping");
      const group = this.groupFor(instance.revisionKey);
      const host = this.#roomIn(group);
      if (host) {
        host.hosted.set(id, instance);
        return host;
      }
      await (this.#spawning.get(group) ?? this.#open(group));
    }
  }

  /** The instance is gone from its host; a host left with no instance ends (idle costs nothing). */
  release(host: H, id: number) {
    if (!host.hosted.delete(id) || host.hosted.size > 0 || host.gone) return;
    host.kill("no instances left");
  }

  /** Kills a host because of `offender` (a revision key): it is quarantined first. */
  kill(host: H, offender: string, reason: string) {
    if (host.gone) return;
    this.#blamed.set(host, [offender]);
    host.kill(reason);
  }

  stop() {
    this.#stopped = true;
    for (const host of [...this.#warm, ...this.#groupOf.keys()]) host.kill("the supervisor stopped");
    this.#warm = [];
  }

  #roomIn(group: string): H | undefined {
    return this.#groups.get(group)?.find((h) => !h.gone && h.hosted.size < this.opts.instancesPerHost);
  }

  #open(group: string): Promise<H> {
    const limits = group.startsWith("limited:") ? this.#limits.get(group.slice(8)) : undefined;
    // A host with a heap limit or network allowance of its own is spawned for it; warm hosts have the defaults.
    const taking = limits?.maxHeapMb !== undefined || limits?.allowNet?.length
      ? this.opts.spawn(this.#events, limits.maxHeapMb, limits.allowNet)
      : this.#take();
    const opening = taking.then((host) => {
      if (this.#stopped) {
        host.kill("the supervisor stopped");
        throw new Error("the supervisor is stopping");
      }
      if (host.gone) throw new Error("the pool host exited before its first instance");
      this.#groups.set(group, [...this.#groups.get(group) ?? [], host]);
      this.#groupOf.set(host, group);
      if (limits?.cpuCores !== undefined) {
        this.#cpuBudgets.set(host, new CpuBudget(limits.cpuCores, cpuBurstMs(limits.cpuCores)));
      }
      return host;
    }).finally(() => this.#spawning.delete(group));
    this.#spawning.set(group, opening);
    return opening;
  }

  /** A warm host if there is one (and another starts warming), else a fresh spawn. */
  #take(): Promise<H> {
    const warm = this.#warm.shift();
    after(this.opts.clock ?? systemClock, this.opts.refillDelayMs ?? 250, () => this.#refillWarm());
    if (warm && !warm.gone) return Promise.resolve(warm);
    return this.opts.spawn(this.#events);
  }

  #refillWarm() {
    while (!this.#stopped && this.#warm.length + this.#warming < this.opts.warmHosts) {
      this.#warming++;
      this.opts.spawn(this.#events)
        .then((host) => {
          if (this.#stopped) return host.kill("the supervisor stopped");
          this.#warm.push(host);
        })
        .catch((err) => this.opts.log.warn(`warming a pool host failed: ${err.message}`))
        .finally(() => this.#warming--);
    }
  }

  #checkMemory(host: H) {
    if (host.rss <= this.opts.maxHostRssMb * 1024 * 1024) return;
    this.#blamed.set(host, suspects(host));
    host.kill(`memory limit of ${this.opts.maxHostRssMb} MiB exceeded`);
  }

  #checkCpu(host: H, revisionKey: string) {
    const budget = this.#cpuBudgets.get(host);
    if (!budget || host.gone) return;
    const clock = this.opts.clock ?? systemClock;
    let inFlight = 0;
    for (const i of host.hosted.values()) if (i.busy()) inFlight++;
    if (!budget.observe(host.cpuMicros ?? 0, clock.now(), inFlight)) return;
    const cores = budget.cores;
    this.#blamed.set(host, [revisionKey]);
    host.kill(`${CPU_LIMIT_EXCEEDED} (${cores * 1000}m: ${cores} s of CPU per second per request)`);
  }

  #onExit(host: H, reason: string) {
    this.#cpuBudgets.delete(host);
    const group = this.#groupOf.get(host)!;
    this.#groupOf.delete(host);
    const left = (this.#groups.get(group) ?? []).filter((h) => h !== host);
    if (left.length > 0) this.#groups.set(group, left);
    else this.#groups.delete(group);
    const blamed = this.#blamed.get(host) ?? suspects(host);
    this.#blamed.delete(host);
    const instances = [...host.hosted.values()];
    host.hosted.clear();
    if (this.#stopped || instances.length === 0) return;
    const revisions = new Set(instances.map((i) => i.revisionKey));
    const others = [...revisions].filter((r) => !blamed.includes(r));
    this.opts.log.warn(
      `pool host ${host.pid} ${reason}; blamed: ${blamed.join(", ") || "none known"}; ` +
        `${instances.length} instance(s) of ${revisions.size} revision(s) lost`,
    );
    for (const revision of blamed) {
      if (this.opts.sharing === "revision" || this.#quarantined.has(revision) || this.#limits.has(revision)) {
        continue;
      }
      const why = `its pool host went down (${reason}); it now runs in hosts of its own`;
      this.#quarantined.set(revision, why);
      this.opts.log.warn(`${revision}: quarantined: ${why}`);
      this.opts.onQuarantine?.(revision, why);
    }
    // Blame is settled first, so the others restart away from the offender.
    if (others.length > 0) this.opts.log.info(`restarting instances of ${others.join(", ")} on other hosts`);
    for (const instance of instances) instance.hostGone(reason, blamed.includes(instance.revisionKey));
  }
}

/**
 * Who is to blame for a host that died on its own (a heap overflow aborts the process) or grew too
 * big: the revisions with requests in flight in it. A heap bomb is busy when it explodes; the
 * bystanders usually are not, and when they are they are quarantined too (a false positive only
 * costs them a host of their own).
 */
function suspects(host: PoolHost): string[] {
  const busy = new Set<string>();
  for (const i of host.hosted.values()) if (i.busy()) busy.add(i.revisionKey);
  if (busy.size > 0) return [...busy];
  const revisions = new Set([...host.hosted.values()].map((i) => i.revisionKey));
  return revisions.size === 1 ? [...revisions] : [];
}
