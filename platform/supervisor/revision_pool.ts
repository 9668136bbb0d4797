/**
 * The instances of one revision and the requests waiting for them.
 *
 * Instances are worker isolates inside one pool host process. The pool enforces
 * containerConcurrency as a hard per-instance limit, queues up to 10 x containerConcurrency per
 * instance (then 503), answers 504 past timeoutSeconds, 502 when an instance dies mid-request, and
 * kills its host when a timed-out instance no longer answers a ping (a runaway loop).
 */
import { FrameType, jsonPayload, parseJson } from "../../runtime/protocol.ts";
import type { Frame } from "../../runtime/protocol.ts";
import { prepareBody } from "../../runtime/body_channel.ts";
import type { StartInstance } from "../../runtime/host.ts";
import type { HostedInstance, HostProcess } from "./host_process.ts";
import type { HostPool } from "./host_pool.ts";
import type { HostConnection } from "./host_listener.ts";
import { InstanceLink } from "./instance_link.ts";
import { RequestRelay } from "./request_relay.ts";
import { errorResponse } from "../http/error_response.ts";
import type { Logger } from "../log.ts";

export interface RevisionRuntimeSpec {
  namespace: string;
  service: string;
  revision: string;
  /** The revision's code snapshot; the only directory its instances may read. */
  bundleDir: string;
  /** Its entry module, relative to bundleDir (`main.ts`). */
  entry: string;
  env: Record<string, string>;
  /** Hard limit of requests in flight per instance; 0 = unlimited. */
  containerConcurrency: number;
  timeoutSeconds: number;
}

export interface PoolLimits {
  /** Queue slots per instance per unit of containerConcurrency (Knative's queue-proxy: 10). */
  queueDepthFactor: number;
  /** Queue bound when containerConcurrency is 0 (unlimited). */
  unboundedQueueDepth: number;
  /** How long a timed-out instance has to answer a ping before its host is killed, ms. */
  stuckProbeMs: number;
  /** Kill the host when its resident memory passes this, MiB (ArrayBuffers escape the heap limit). */
  maxHostRssMb: number;
  /** How long an instance may take to load its code, ms. */
  instanceStartTimeoutMs: number;
}

/** Where instances connect back to (see HostListener). */
export interface InstanceLinks {
  port: number;
  expect(token: string, timeoutMs: number, who: string): Promise<HostConnection>;
}

export interface PoolDeps {
  /** The pool hosts, shared with other revisions. */
  hosts: HostPool<HostProcess>;
  /** Instance ids are unique across revisions: they name workers in shared hosts. */
  nextInstanceId: () => number;
  links: InstanceLinks;
  limits: PoolLimits;
  log: Logger;
  /** Called whenever the number of ready or desired instances changes. */
  onScaleChange?: () => void;
}

type InstanceState = "starting" | "ready" | "draining";

/** How long a dropped link waits for news of its host's death before it counts as the isolate's own, ms. */
const LINK_LOSS_GRACE_MS = 250;

/** How often requests waiting for their response head are checked against timeoutSeconds, ms. */
const TIMEOUT_SWEEP_MS = 100;

/**
 * Time-weighted concurrency (requests in flight or queued) and request counts between samples,
 * the way Knative's queue-proxy and activator report them.
 */
class ConcurrencyMeter {
  #current = 0;
  #area = 0;
  #since = Date.now();
  #lastChange = Date.now();
  #requests = 0;

  enter(now: number) {
    this.#advance(now);
    this.#current++;
    this.#requests++;
  }

  leave(now: number) {
    this.#advance(now);
    this.#current = Math.max(0, this.#current - 1);
  }

  sample(now: number): { concurrency: number; requests: number } {
    this.#advance(now);
    const span = now - this.#since;
    const out = {
      concurrency: span > 0 ? this.#area / span : this.#current,
      requests: this.#requests,
    };
    this.#area = 0;
    this.#requests = 0;
    this.#since = now;
    return out;
  }

  #advance(now: number) {
    this.#area += this.#current * Math.max(0, now - this.#lastChange);
    this.#lastChange = now;
  }
}

interface Instance {
  id: number;
  host: HostProcess;
  /** Its own connection, for requests; there from the moment the instance is ready. */
  link?: InstanceLink;
  /** The path linked to the code bundle, the only one the instance may read. */
  slot: string;
  state: InstanceState;
  inFlight: number;
  heapUsed: number;
  cpuMicros: number;
  /** performance.now() when the start began, and when its host was there. */
  startedAt: number;
  hostAt: number;
  /** Settles the start() of the first instance. */
  onStarted?: (error?: string) => void;
}

interface Waiter {
  grant: (instance: Instance) => void;
  refuse: (response: Response) => void;
}

export class RevisionPool {
  #instances = new Map<number, Instance>();
  #relays = new Map<number, RequestRelay>();
  #queue: Waiter[] = [];
  #nextStream = 1;
  /**
   * Starts that have not registered their instance yet (they wait for a host and a code link):
   * counted as live, or two decisions in that window would both start one (over max-scale).
   */
  #launching = 0;
  #desired = 0;
  #stopped = false;
  #pongWaiters = new Map<number, () => void>();
  /** The last reason an instance failed to start or died, for status and errors. */
  lastError: string | null = null;
  /** At most this many instances (0 = unlimited); set by the autoscaler from max-scale. */
  maxScale = 0;
  /** Called when a request arrives for a revision with no instance: the activator pokes the autoscaler. */
  onColdRequest?: () => void;
  #meter = new ConcurrencyMeter();
  #timeouts = new Map<RequestRelay, { deadline: number; instance: Instance }>();
  #sweep: ReturnType<typeof setInterval> | null = null;
  #coldStarts: number[] = [];
  #coldSince: number | null = null;

  readonly key: string;

  constructor(readonly spec: RevisionRuntimeSpec, private readonly deps: PoolDeps) {
    this.key = `${spec.namespace}/${spec.revision}`;
  }

  /** Why this revision runs in pool hosts of its own, or undefined when it shares them. */
  get quarantine(): string | undefined {
    return this.deps.hosts.quarantineOf(this.key);
  }

  get readyCount(): number {
    let n = 0;
    for (const i of this.#instances.values()) if (i.state === "ready") n++;
    return n;
  }

  get desired(): number {
    return this.#desired;
  }

  get inFlight(): number {
    let n = 0;
    for (const i of this.#instances.values()) n += i.inFlight;
    return n;
  }

  get queued(): number {
    return this.#queue.length;
  }

  /** Average concurrency and request count since the previous sample (the autoscaler's per-second input). */
  sample(now = Date.now()): { concurrency: number; requests: number } {
    return this.#meter.sample(now);
  }

  /** Summed resource use of the ready instances, from their heartbeats: CPU microseconds and heap bytes. */
  usage(): { cpuMicros: number; heapBytes: number; instances: number } {
    let cpuMicros = 0;
    let heapBytes = 0;
    let instances = 0;
    for (const i of this.#instances.values()) {
      if (i.state !== "ready") continue;
      cpuMicros += i.cpuMicros;
      heapBytes += i.heapUsed;
      instances++;
    }
    return { cpuMicros, heapBytes, instances };
  }

  /** Durations (ms) of cold starts completed since the last call: first held request to its instance ready. */
  takeColdStarts(): number[] {
    return this.#coldStarts.splice(0);
  }

  /** Starts one instance and resolves when it serves, or rejects with the reason it could not load. */
  async start(): Promise<void> {
    if (this.#desired < 1) this.#desired = 1;
    const error = await new Promise<string | undefined>((resolve) => this.#startInstance(resolve));
    if (error) {
      this.#desired = 0;
      throw new Error(error);
    }
  }

  /** Sets how many instances should run; extra idle instances stop, busy ones drain first. */
  scaleTo(n: number) {
    this.#desired = Math.max(0, n);
    this.#converge();
  }

  /** Serves a request; `url` is what the function sees, `clientIp` becomes X-Forwarded-For. */
  async dispatch(request: Request, url: string, clientIp?: string): Promise<Response> {
    if (this.#stopped) return errorResponse(503, `revision "${this.spec.revision}" is shutting down`);
    const deadline = Date.now() + this.spec.timeoutSeconds * 1000;
    this.#meter.enter(Date.now());
    let instance = this.#pick();
    if (instance) instance.inFlight++;
    else {
      const waited = await this.#wait(deadline);
      if (waited instanceof Response) {
        this.#meter.leave(Date.now());
        return waited;
      }
      instance = waited;
    }
    return this.#forward(instance, request, url, deadline, clientIp);
  }

  /** Stops taking requests, lets the ones in flight finish (up to graceMs), then ends the host. */
  async stop(graceMs = 0) {
    this.#stopped = true;
    for (const w of this.#queue.splice(0)) w.refuse(errorResponse(503, "the revision is shutting down"));
    const until = Date.now() + graceMs;
    while (this.inFlight > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    if (this.#sweep !== null) clearInterval(this.#sweep);
    this.#sweep = null;
    this.#timeouts.clear();
    for (const i of [...this.#instances.values()]) this.#stopInstance(i);
  }

  #pick(): Instance | undefined {
    const cc = this.spec.containerConcurrency;
    let best: Instance | undefined;
    for (const i of this.#instances.values()) {
      if (i.state !== "ready") continue;
      if (cc > 0 && i.inFlight >= cc) continue;
      if (!best || i.inFlight < best.inFlight) best = i;
    }
    return best;
  }

  #queueCapacity(): number {
    const cc = this.spec.containerConcurrency;
    if (cc === 0) return this.deps.limits.unboundedQueueDepth;
    const instances = Math.max(1, this.readyCount, this.#desired);
    return this.deps.limits.queueDepthFactor * cc * instances;
  }

  #wait(deadline: number): Promise<Instance | Response> {
    if (this.#queue.length >= this.#queueCapacity()) {
      return Promise.resolve(
        errorResponse(503, `revision "${this.spec.revision}" is overloaded: queue full`),
      );
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const idx = this.#queue.indexOf(waiter);
        if (idx >= 0) this.#queue.splice(idx, 1);
        resolve(errorResponse(504, `revision "${this.spec.revision}" did not answer within its timeout`));
      }, Math.max(0, deadline - Date.now()));
      const waiter: Waiter = {
        grant: (i) => {
          clearTimeout(timer);
          resolve(i);
        },
        refuse: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      };
      this.#queue.push(waiter);
      const cold = this.#liveCount() === 0;
      if (cold) {
        // Activator: a request for a revision at zero starts an instance at once and pokes the autoscaler.
        this.#coldSince ??= Date.now();
        if (this.#desired === 0) this.#desired = 1;
      } else if (this.spec.containerConcurrency === 1) {
        // Event gateway mode: one request per instance; start another rather than queue behind a busy one.
        const starting = this.#launching +
          [...this.#instances.values()].filter((i) => i.state === "starting").length;
        if (starting < this.#queue.length && (this.maxScale === 0 || this.#liveCount() < this.maxScale)) {
          this.#desired = Math.max(this.#desired, this.#liveCount() + 1);
        }
      }
      this.#converge();
      // After the instance is on its way: the autoscaler's decision must not delay it.
      if (cold) setTimeout(() => this.onColdRequest?.(), 0);
    });
  }

  #drainQueue() {
    while (this.#queue.length > 0) {
      const instance = this.#pick();
      if (!instance) return;
      // Reserve the slot now so the next waiter sees it taken.
      instance.inFlight++;
      this.#queue.shift()!.grant(instance);
    }
  }

  /** Sends the request to an instance whose slot it already holds. */
  async #forward(
    instance: Instance,
    request: Request,
    url: string,
    deadline: number,
    clientIp?: string,
  ): Promise<Response> {
    const link = instance.link!;
    const stream = this.#nextStream;
    this.#nextStream = stream >= 0xfffffff0 ? 1 : stream + 1;
    const relay = new RequestRelay(link, stream, instance.id, request.method, (r) => {
      this.#relays.delete(r.id);
      this.#meter.leave(Date.now());
      this.#release(instance);
    });
    this.#relays.set(relay.id, relay);
    const onClientGone = () => relay.cancel("the caller went away");
    request.signal.addEventListener("abort", onClientGone, { once: true });
    let body;
    try {
      body = await prepareBody(request.body);
    } catch {
      relay.fail(400, "reading the request body failed");
      return relay.response;
    }
    if (link.gone) relay.fail(502, `instance of "${this.spec.revision}" crashed`);
    else relay.start(request, url, body, clientIp);
    this.#timeouts.set(relay, { deadline, instance });
    this.#ensureTimeoutSweep();
    const response = await relay.response;
    this.#timeouts.delete(relay);
    return response;
  }

  /**
   * One sweep for all requests in flight instead of a timer each (timers were a visible share of
   * the hot path). A request may overrun its timeout by up to one sweep interval.
   */
  #ensureTimeoutSweep() {
    if (this.#sweep !== null) return;
    this.#sweep = setInterval(() => {
      const now = Date.now();
      for (const [relay, { deadline, instance }] of this.#timeouts) {
        if (now < deadline) continue;
        this.#timeouts.delete(relay);
        if (relay.answered) continue;
        relay.fail(
          504,
          `revision "${this.spec.revision}" did not answer within ${this.spec.timeoutSeconds}s`,
        );
        this.#probe(instance);
      }
      if (this.#timeouts.size === 0) {
        clearInterval(this.#sweep!);
        this.#sweep = null;
      }
    }, TIMEOUT_SWEEP_MS);
  }

  #release(instance: Instance) {
    instance.inFlight--;
    if (instance.state === "draining" && instance.inFlight === 0) this.#stopInstance(instance);
    this.#drainQueue();
  }

  /** After a timeout: an instance that cannot answer a ping is stuck, and only killing its host ends it. */
  #probe(instance: Instance) {
    if (instance.host.gone || !instance.link || instance.link.gone) return;
    const timer = setTimeout(() => {
      this.#pongWaiters.delete(instance.id);
      this.lastError = `instance ${instance.id} stopped answering after a request timed out (a busy loop?)`;
      this.deps.hosts.kill(instance.host, this.key, `${this.spec.revision}: ${this.lastError}`);
    }, this.deps.limits.stuckProbeMs);
    this.#pongWaiters.set(instance.id, () => clearTimeout(timer));
    instance.link.send(FrameType.Ping, instance.id);
  }

  #converge() {
    if (this.#stopped) return;
    let want = this.maxScale > 0 ? Math.min(this.#desired, this.maxScale) : this.#desired;
    let live = this.#launching;
    for (const i of this.#instances.values()) if (i.state !== "draining") live++;
    // From zero, the first instance starts alone: the held requests wait on it, and the others
    // (created after it is ready) would only compete with it for the CPU.
    if (this.readyCount === 0 && live > 0) want = Math.min(want, live);
    else if (this.readyCount === 0) want = Math.min(want, 1);
    for (; live < want; live++) this.#startInstance();
    if (live > want) {
      // Stop the least busy first; a busy instance drains before it stops.
      const candidates = [...this.#instances.values()].filter((i) => i.state === "ready")
        .sort((a, b) => a.inFlight - b.inFlight);
      for (const i of candidates) {
        if (live <= want) break;
        live--;
        if (i.inFlight === 0) this.#stopInstance(i);
        else i.state = "draining";
      }
    }
    this.deps.onScaleChange?.();
  }

  async #startInstance(onStarted?: (error?: string) => void) {
    const id = this.deps.nextInstanceId();
    const begun = performance.now();
    this.#launching++;
    let host: HostProcess;
    try {
      host = await this.deps.hosts.acquire(id, this.#hosted(id));
    } catch (err) {
      this.lastError = `the pool host could not start: ${(err as Error).message}`;
      this.deps.log.error(`${this.spec.revision}: ${this.lastError}`);
      this.#launching--;
      onStarted?.(this.lastError);
      this.#refuseAllIfNoInstances();
      return;
    }
    const slot = host.claimSlot();
    try {
      await Deno.symlink(this.spec.bundleDir, slot);
    } catch (err) {
      this.deps.hosts.release(host, id);
      this.lastError = `linking the code for instance ${id} failed: ${(err as Error).message}`;
      this.#launching--;
      onStarted?.(this.lastError);
      this.#refuseAllIfNoInstances();
      return;
    }
    if (host.gone) {
      // Its host died while the code was being linked: try again on another.
      unlink(slot);
      this.#launching--;
      this.#startInstance(onStarted);
      return;
    }
    const instance: Instance = {
      id,
      host,
      slot,
      state: "starting",
      inFlight: 0,
      heapUsed: 0,
      cpuMicros: 0,
      startedAt: begun,
      hostAt: performance.now(),
      onStarted,
    };
    this.#launching--;
    this.#instances.set(id, instance);
    const token = crypto.randomUUID();
    this.deps.links.expect(token, this.deps.limits.instanceStartTimeoutMs, `instance ${id}`).then(
      (c) => this.#linked(instance, new InstanceLink(c.conn, c.reader, c.leftover)),
      () => {/* the start timeout below reports it */},
    );
    const start: StartInstance = {
      instance: id,
      link: { port: this.deps.links.port, token },
      slot,
      moduleUrl: `file://${slot}/${this.spec.entry}`,
      service: this.spec.service,
      namespace: this.spec.namespace,
      revision: this.spec.revision,
      env: this.spec.env,
    };
    host.send(FrameType.StartInstance, id, jsonPayload(start));
    setTimeout(() => {
      if (instance.state === "starting" && this.#instances.get(id) === instance) {
        this.#instanceFailed(
          instance,
          `the code did not load within ${this.deps.limits.instanceStartTimeoutMs} ms`,
        );
        host.send(FrameType.StopInstance, id);
      }
    }, this.deps.limits.instanceStartTimeoutMs);
  }

  /** How the host pool reaches this revision's instance `id`. */
  #hosted(id: number): HostedInstance {
    return {
      revisionKey: this.key,
      busy: () => (this.#instances.get(id)?.inFlight ?? 0) > 0,
      failed: (error) => {
        const i = this.#instances.get(id);
        if (i) this.#instanceFailed(i, error);
      },
      hostGone: (reason, blamed) => this.#onHostGone(id, reason, blamed),
    };
  }

  #linked(instance: Instance, link: InstanceLink) {
    if (this.#instances.get(instance.id) !== instance) {
      link.close();
      return;
    }
    instance.link = link;
    link.onFrame = (f) => this.#onInstanceFrame(instance, f);
    link.onClose = () => this.#onLinkClosed(instance);
    link.start();
  }

  /** What an instance says over its link: its state, its stats, and its requests' responses. */
  #onInstanceFrame(i: Instance, f: Frame) {
    switch (f.type) {
      case FrameType.InstanceReady: {
        if (this.#instances.get(i.id) !== i || i.state !== "starting") return;
        i.state = "ready";
        i.onStarted?.();
        i.onStarted = undefined;
        if (this.#coldSince !== null) {
          this.#coldStarts.push(Date.now() - this.#coldSince);
          this.#coldSince = null;
        }
        // Waiting requests first; bookkeeping (a log line, a status write) after.
        this.#drainQueue();
        const now = performance.now();
        setTimeout(() => {
          this.deps.log.info(
            `${this.spec.revision}: instance ${i.id} ready on pool host ${i.host.pid} ` +
              `in ${(now - i.startedAt).toFixed(1)} ms ` +
              `(host ${(i.hostAt - i.startedAt).toFixed(1)} ms, code ${(now - i.hostAt).toFixed(1)} ms)`,
          );
          this.deps.onScaleChange?.();
          if (this.#liveCount() !== this.#desired) this.#converge();
        }, 0);
        return;
      }
      case FrameType.InstanceFailed:
        if (this.#instances.get(i.id) === i) {
          this.#instanceFailed(i, parseJson<{ error: string }>(f.payload).error);
        }
        return;
      case FrameType.Pong:
        this.#pongWaiters.get(i.id)?.();
        this.#pongWaiters.delete(i.id);
        return;
      case FrameType.Heartbeat: {
        const s = parseJson<{ heapUsed: number; cpuMicros: number }>(f.payload);
        i.heapUsed = s.heapUsed;
        i.cpuMicros = s.cpuMicros;
        return;
      }
      default:
        this.#relays.get(f.stream)?.onFrame(f.type, f.payload);
    }
  }

  /** The isolate went away (stopped, crashed, or its host died): its requests cannot finish. */
  #onLinkClosed(instance: Instance) {
    if (this.#instances.get(instance.id) === instance) {
      const failed = () => {
        clearTimeout(timer);
        if (this.#instances.get(instance.id) === instance) {
          this.#instanceFailed(instance, "its isolate went away");
        }
      };
      // When a whole host dies, every link in it drops a moment before the host's exit is seen. The
      // host pool must see these instances still there (and busy) to tell whom to blame.
      const timer = setTimeout(failed, LINK_LOSS_GRACE_MS);
      instance.host.whenGone.then(failed);
      return;
    }
    for (const relay of [...this.#relays.values()]) {
      if (relay.instance === instance.id) {
        relay.fail(502, `instance of "${this.spec.revision}" crashed mid-request`);
      }
    }
  }

  #liveCount(): number {
    let live = this.#launching;
    for (const i of this.#instances.values()) if (i.state !== "draining") live++;
    return live;
  }

  #instanceFailed(instance: Instance, error: string) {
    this.deps.hosts.release(instance.host, instance.id);
    unlink(instance.slot);
    this.lastError = error;
    this.deps.log.warn(`${this.spec.revision}: instance ${instance.id} failed: ${error}`);
    this.#instances.delete(instance.id);
    instance.link?.close();
    instance.onStarted?.(error);
    for (const relay of this.#relays.values()) {
      if (relay.instance === instance.id) {
        relay.fail(502, `instance of "${this.spec.revision}" failed: ${error}`);
      }
    }
    this.#refuseAllIfNoInstances();
    this.deps.onScaleChange?.();
  }

  /**
   * The instance's host died (with every instance in it). A bystander's instance comes back at once
   * on another host; the blamed revision's instances come back on the next request.
   */
  #onHostGone(id: number, reason: string, blamed: boolean) {
    const i = this.#instances.get(id);
    if (!i) return;
    this.#instances.delete(id);
    unlink(i.slot);
    i.link?.close();
    i.onStarted?.(`the pool host ${reason}`);
    for (const relay of [...this.#relays.values()]) {
      if (relay.instance === id) relay.fail(502, `instance of "${this.spec.revision}" crashed mid-request`);
    }
    if (this.#stopped) return;
    this.deps.log.warn(`${this.spec.revision}: instance ${id} lost with pool host ${i.host.pid} (${reason})`);
    if (blamed && this.#queue.length === 0) this.#desired = 0;
    this.#converge();
  }

  /** With nothing starting or running, queued requests cannot be served: answer them now. */
  #refuseAllIfNoInstances() {
    if (this.#instances.size > 0 || this.#launching > 0) return;
    this.#desired = 0;
    for (const w of this.#queue.splice(0)) {
      w.refuse(errorResponse(502, `revision "${this.spec.revision}" could not start: ${this.lastError}`));
    }
  }

  #stopInstance(instance: Instance) {
    this.#instances.delete(instance.id);
    if (!instance.host.gone) instance.host.send(FrameType.StopInstance, instance.id);
    instance.link?.close();
    unlink(instance.slot);
    this.deps.hosts.release(instance.host, instance.id);
    this.deps.onScaleChange?.();
  }
}

function unlink(slot: string) {
  Deno.remove(slot).catch(() => {});
}
