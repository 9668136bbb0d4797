/**
 * The loop that applies the pure deciders: every second it samples each revision's pool
 * (concurrency, requests, CPU, heap) into its metric window; every tick it decides and scales the
 * pool. A request for a revision at zero pokes it for an immediate decision.
 */
import {
  type AutoscalerDefaults,
  type AutoscalingSpec,
  decide,
  decideHpa,
  type DeciderState,
  type HpaState,
  initialDeciderState,
  initialHpaState,
  MetricWindow,
  parseAutoscalingSpec,
} from "./mod.ts";
import { nodeShare } from "./node_share.ts";
import type { ResourceStore } from "../store/resource_store.ts";
import type { Supervisor } from "../supervisor/supervisor.ts";
import type { RevisionPool } from "../supervisor/revision_pool.ts";
import { MeterReading } from "../supervisor/concurrency_meter.ts";
import { activatorFloor } from "./activator_floor.ts";
import { activatorPath } from "./activator_path.ts";
import type { Revision, Route } from "../resources/serving_kinds.ts";
import { isReady } from "../resources/meta.ts";
import type { Logger } from "../log.ts";
import { type Clock, systemClock } from "../clock/clock.ts";

const SAMPLE_MS = 1000;
const MIB = 1024 * 1024;

export interface AutoscalerDeps {
  store: ResourceStore;
  supervisor: Supervisor;
  /** The pool of a ready revision, made on demand (min-scale and schedules start revisions with no requests). */
  poolFor(namespace: string, revision: string): Promise<RevisionPool | undefined> | RevisionPool | undefined;
  defaults: AutoscalerDefaults;
  log: Logger;
  /** @default systemClock */
  clock?: Clock;
  /** Cluster mode: ready nodes, over which scale bounds are divided (see node_share.ts). @default 1 */
  readyNodes?: () => number;
}

export interface ScalerSnapshot {
  namespace: string;
  revision: string;
  service: string;
  desired: number;
  panicking: boolean;
  /** The metric the revision scales on, averaged over the stable window. */
  observedStable: number;
  /** Requests per second over the last sample. */
  observedRps: number;
  /** Concurrency over the last sample. */
  observedConcurrency: number;
  metric: string;
  reason: string;
}

interface RevisionScaler {
  namespace: string;
  name: string;
  service: string;
  spec: AutoscalingSpec;
  window: MetricWindow;
  /** This loop's cursor on the pool's concurrency meter. */
  reading: MeterReading;
  kpa?: DeciderState;
  hpa?: HpaState;
  lastCpuMicros: number | null;
  lastSampleAt: number;
  lastUsage: number;
  lastConcurrency: number;
  lastRps: number;
  lastDesired: number | null;
  panicking: boolean;
  reason: string;
}

/**
 * Demand from outside the request path, e.g. consumer lag of a KafkaSource feeding a Service
 * (as KEDA's Kafka scaler): instances the Service needs. It combines with the request-driven
 * decision by taking the maximum, spread over the Service's routed revisions by their percent.
 */
export interface ExternalDemand {
  namespace: string;
  service: string;
  instances: number;
  reason: string;
}

export class Autoscaler {
  #scalers = new Map<string, RevisionScaler>();
  #demandSources: (() => ExternalDemand[])[] = [];
  #running: AbortController | null = null;
  #lastTick = 0;
  readonly #clock: Clock;

  constructor(private readonly deps: AutoscalerDeps) {
    this.#clock = deps.clock ?? systemClock;
  }

  /** Samples every second (and decides every tick) until stop(). */
  async start() {
    const running = this.#running = new AbortController();
    while (!running.signal.aborted) {
      await this.#clock.sleep(SAMPLE_MS, running.signal);
      if (running.signal.aborted) break;
      try {
        this.#sampleAll();
      } catch (err) {
        this.deps.log.error(`sampling the revisions failed: ${(err as Error).stack ?? err}`);
      }
    }
  }

  stop() {
    this.#running?.abort();
    this.#running = null;
  }

  #now(): number {
    return this.#clock.now();
  }

  /**
   * The activator's poke: it holds a request and asks for capacity; decide now, not at the next tick.
   * A revision the loop does not scale yet (not Ready) gets the one instance a held request needs.
   */
  poke(namespace: string, revision: string) {
    const pool = this.deps.supervisor.pool(namespace, revision);
    const scaler = this.#scalerFor(namespace, revision);
    const cold = !pool || pool.demand().live === 0;
    if (!scaler) {
      if (pool && cold) pool.scaleTo(1);
      return;
    }
    if (!cold) {
      // Event gateway mode: more instances for held requests now; the windows follow at the tick.
      const floor = activatorFloor(pool.demand(), pool.spec.containerConcurrency, scaler.spec.maxScale);
      if (floor > pool.desired) pool.scaleTo(floor);
      return;
    }
    const now = this.#now();
    scaler.window.record(now, Math.max(1, pool?.meter.current ?? 1));
    this.#decide(scaler, now, true, this.#externalDemand().get(`${namespace}/${revision}`));
  }

  /** Registers a source of external demand, polled every tick. */
  addDemandSource(source: () => ExternalDemand[]) {
    this.#demandSources.push(source);
  }

  snapshot(): ScalerSnapshot[] {
    const now = this.#now();
    return [...this.#scalers.values()].map((s) => ({
      namespace: s.namespace,
      revision: s.name,
      service: s.service,
      desired: s.lastDesired ?? 0,
      panicking: s.panicking,
      observedStable: s.window.average(now, s.spec.stableWindowMs),
      observedRps: s.lastRps,
      observedConcurrency: s.lastConcurrency,
      metric: s.spec.metric,
      reason: s.reason,
    }));
  }

  #sampleAll() {
    const now = this.#now();
    const live = new Set<string>();
    const reachable = this.#reachableRevisions();
    for (const rev of this.deps.store.list<Revision>("Revision")) {
      if (!isReady(rev)) continue;
      const key = `${rev.metadata.namespace}/${rev.metadata.name}`;
      live.add(key);
      const scaler = this.#scalerFor(rev.metadata.namespace, rev.metadata.name, rev);
      if (scaler) this.#sample(scaler, now);
    }
    for (const key of this.#scalers.keys()) if (!live.has(key)) this.#scalers.delete(key);
    const tickDue = now - this.#lastTick >= this.deps.defaults.tickIntervalMs - SAMPLE_MS / 2;
    if (!tickDue) return;
    this.#lastTick = now;
    const demand = this.#externalDemand();
    for (const [key, scaler] of this.#scalers) {
      this.#decide(scaler, now, reachable.has(key) || demand.has(key), demand.get(key));
    }
  }

  /** External demand per revision key, split over each Service's routed revisions by percent. */
  #externalDemand(): Map<string, { instances: number; reason: string }> {
    const out = new Map<string, { instances: number; reason: string }>();
    const demands = this.#demandSources.flatMap((source) => {
      try {
        return source();
      } catch (err) {
        this.deps.log.warn(`a scaling demand source failed: ${err}`);
        return [];
      }
    });
    for (const d of demands) {
      if (d.instances <= 0) continue;
      const route = this.deps.store.get<Route>("Route", d.namespace, d.service);
      for (const t of route?.status?.traffic ?? []) {
        if (t.percent <= 0) continue;
        const key = `${d.namespace}/${t.revisionName}`;
        const instances = Math.ceil(d.instances * t.percent / 100);
        if ((out.get(key)?.instances ?? 0) < instances) out.set(key, { instances, reason: d.reason });
      }
    }
    return out;
  }

  #sample(scaler: RevisionScaler, now: number) {
    const pool = this.deps.supervisor.pool(scaler.namespace, scaler.name);
    const elapsed = Math.max(1, now - scaler.lastSampleAt);
    scaler.lastSampleAt = now;
    if (!pool) {
      scaler.lastConcurrency = 0;
      scaler.lastRps = 0;
      scaler.window.record(now, 0);
      return;
    }
    const { concurrency, requests } = scaler.reading.read(pool.meter.totals(), pool.meter.current);
    scaler.lastConcurrency = concurrency;
    scaler.lastRps = requests / (elapsed / 1000);
    if (scaler.spec.class === "hpa") {
      const usage = pool.usage();
      if (scaler.spec.metric === "cpu") {
        const delta = scaler.lastCpuMicros === null ? 0 : Math.max(0, usage.cpuMicros - scaler.lastCpuMicros);
        scaler.lastCpuMicros = usage.cpuMicros;
        scaler.lastUsage = delta / (elapsed * 1000);
      } else {
        scaler.lastUsage = usage.heapBytes / MIB;
      }
      return;
    }
    scaler.window.record(now, scaler.spec.metric === "rps" ? scaler.lastRps : concurrency);
  }

  async #decide(
    scaler: RevisionScaler,
    now: number,
    reachable: boolean,
    external?: { instances: number; reason: string },
  ) {
    const pool = this.deps.supervisor.pool(scaler.namespace, scaler.name);
    const ready = pool?.readyCount ?? 0;
    const spec = nodeShare(scaler.spec, this.deps.readyNodes?.() ?? 1);
    let desired: number;
    if (spec.class === "hpa") {
      const d = decideHpa(scaler.hpa!, { readyInstances: ready, usage: scaler.lastUsage }, spec, now);
      const path = activatorPath(spec, 0);
      pool?.setActivatorInPath(path.inPath, path.why);
      scaler.hpa = d.state;
      desired = d.desired;
      scaler.reason = d.reason;
      scaler.panicking = false;
    } else {
      const averages = scaler.window.averages(now, spec);
      const d = decide(scaler.kpa!, { readyInstances: ready, ...averages, reachable }, spec, now);
      const path = activatorPath(spec, d.excessBurstCapacity);
      pool?.setActivatorInPath(path.inPath, path.why);
      scaler.kpa = d.state;
      desired = d.desired;
      scaler.reason = d.reason;
      scaler.panicking = d.panicking;
    }
    if (external && external.instances > desired) {
      const capped = spec.maxScale > 0 ? Math.min(external.instances, spec.maxScale) : external.instances;
      if (capped > desired) {
        desired = capped;
        scaler.reason = `${capped}: ${external.reason} (above the request-driven decision: ${scaler.reason})`;
      }
    }
    const floor = pool ? activatorFloor(pool.demand(), pool.spec.containerConcurrency, spec.maxScale) : 0;
    if (floor > desired) {
      desired = floor;
      scaler.reason = `${floor}: requests held by the activator (above ${scaler.reason})`;
    }
    const changed = desired !== scaler.lastDesired;
    scaler.lastDesired = desired;
    const target = pool ?? (desired > 0 ? await this.deps.poolFor(scaler.namespace, scaler.name) : undefined);
    // The only writer of a revision's desired scale. Applied again when it is unchanged but the
    // pool lost instances (a crash): that brings them back.
    if (target && (target.desired !== desired || target.demand().live < desired)) target.scaleTo(desired);
    if (changed) {
      this.deps.log.info(`${scaler.name}: scale ${ready} -> ${desired}: ${scaler.reason}`);
    }
  }

  #scalerFor(namespace: string, name: string, known?: Revision): RevisionScaler | undefined {
    const key = `${namespace}/${name}`;
    // Revisions are immutable: a revision's autoscaling settings never change once it exists.
    const existing = this.#scalers.get(key);
    if (existing) return existing;
    const rev = known ?? this.deps.store.get<Revision>("Revision", namespace, name);
    if (!rev || !isReady(rev)) return undefined;
    const parsed = parseAutoscalingSpec({
      annotations: rev.metadata.annotations ?? {},
      containerConcurrency: rev.spec.containerConcurrency,
    }, this.deps.defaults);
    if (!parsed.ok) {
      this.deps.log.warn(
        `${name}: autoscaling annotations are invalid: ${parsed.errors.map((e) => e.message).join("; ")}`,
      );
      return undefined;
    }
    const spec = parsed.spec;
    const now = this.#now();
    const ready = this.deps.supervisor.pool(namespace, name)?.readyCount ?? 0;
    const scaler: RevisionScaler = {
      namespace,
      name,
      service: rev.metadata.labels?.["serving.knative.dev/service"] ?? name,
      spec,
      window: new MetricWindow(spec.stableWindowMs),
      reading: new MeterReading(),
      kpa: spec.class === "kpa"
        ? initialDeciderState(now, nodeShare(spec, this.deps.readyNodes?.() ?? 1), ready)
        : undefined,
      hpa: spec.class === "hpa" ? initialHpaState(spec, ready) : undefined,
      lastCpuMicros: null,
      lastSampleAt: now,
      lastUsage: 0,
      lastConcurrency: 0,
      lastRps: 0,
      lastDesired: null,
      panicking: false,
      reason: "starting",
    };
    this.#scalers.set(key, scaler);
    return scaler;
  }

  /** Revisions some route sends traffic to or names by tag. */
  #reachableRevisions(): Set<string> {
    const out = new Set<string>();
    for (const route of this.deps.store.list<Route>("Route")) {
      for (const t of route.status?.traffic ?? []) {
        if (t.percent > 0 || t.tag) out.add(`${route.metadata.namespace}/${t.revisionName}`);
      }
    }
    return out;
  }
}
