/**
 * One revision's serving core, put together: a request is counted by the meter, takes a slot on an
 * instance of the instance set or is held by the activator until one frees up, and travels to the
 * instance as a RequestRelay. Answers 504 past timeoutSeconds (and has the instance probed), 502
 * when its instance dies mid-request, 503 when shutting down or the queue is full.
 */
import { after, type Clock } from "../clock/clock.ts";
import { prepareBody, type PreparedBody } from "../../runtime/body_channel.ts";
import { errorResponse } from "../http/error_response.ts";
import type { Logger } from "../log.ts";
import type { RevisionBackend } from "../router/revision_backend.ts";
import { Activator } from "./activator.ts";
import { ConcurrencyMeter } from "./concurrency_meter.ts";
import { type Instance, type InstanceLauncher, InstanceSet } from "./instance_set.ts";
import { type RelayLink, RequestRelay, type WebSocketDeps } from "./request_relay.ts";
import { TimeoutSweep } from "./timeout_sweep.ts";
import { CPU_LIMIT_EXCEEDED } from "./cpu_budget.ts";
import { checkDeadlines, type ResponseTimeouts } from "./response_deadlines.ts";
import type { RevisionRuntimeSpec } from "./revision_runtime_spec.ts";

export type { RevisionRuntimeSpec };

export interface PoolLimits {
  /** Queue slots per instance per unit of containerConcurrency (Knative's queue-proxy: 10). */
  queueDepthFactor: number;
  /** Queue bound when containerConcurrency is 0 (unlimited). */
  unboundedQueueDepth: number;
  /** How long a timed-out instance has to answer a ping before its host is killed, ms. */
  stuckProbeMs: number;
  /** How long an instance may take to load its code, ms. */
  instanceStartTimeoutMs: number;
  /** Client messages a WebSocket holds for a function that has not taken the previous ones, bytes. */
  webSocketBacklogBytes: number;
  /** Bytes buffered toward a slow WebSocket client past which its function waits. */
  webSocketClientBufferBytes: number;
}

export interface PoolDeps {
  launcher: InstanceLauncher;
  clock: Clock;
  /** Instance ids are unique across revisions: they name workers in shared hosts. */
  nextInstanceId: () => number;
  limits: PoolLimits;
  log: Logger;
  /** Called whenever the number of ready or desired instances changes. */
  onScaleChange?: () => void;
  /** The activator asks the autoscaler for capacity: a request is held (scaleTo follows). */
  askCapacity?: () => void;
  /** Why this revision runs in pool hosts of its own (the host pool knows). */
  quarantine?: () => string | undefined;
  /** Called once per request when it is over (the access log). */
  onRequestDone?: (done: RequestDone) => void;
}

/** One request's outcome, for the access log and tracing. */
export interface RequestDone {
  request: Request;
  /** When it arrived (clock ms). */
  start: number;
  /** How long it waited for an instance (held by the activator), ms. */
  waitMs: number;
  method: string;
  url: string;
  status: number;
  durationMs: number;
  /** The instance that served it; absent when none did (refused or timed out while held). */
  instance?: number;
  /** It waited for an instance to start from zero. */
  coldStart: boolean;
  /** It went through the activator: held, or admitted while the activator was in the path. */
  viaActivator: boolean;
  /** When the instance that served it began starting (clock ms), for the cold start's trace. */
  instanceStartedAt?: number;
}

const NO_BODY: PreparedBody = { mode: "none" };

/** On stop, how long closing WebSockets get for their close handshake, ms. */
const SOCKET_CLOSE_WAIT_MS = 1000;

/** How often requests waiting for their response head are checked against timeoutSeconds, ms. */
const TIMEOUT_SWEEP_MS = 100;

export class RevisionPool implements RevisionBackend {
  readonly key: string;
  readonly meter: ConcurrencyMeter;
  /** The last reason an instance failed to start or died, for status and errors. */
  lastError: string | null = null;
  readonly #instances: InstanceSet;
  readonly #activator: Activator<Instance>;
  #relays = new Map<number, RequestRelay>();
  #nextStream = 1;
  readonly #timeouts: TimeoutSweep<{ relay: RequestRelay; instance: Instance; startedAt: number }>;
  #coldStarts: number[] = [];
  #coldSince: number | null = null;
  #firstStart: ((error?: string) => void)[] = [];
  #stopped = false;
  /** Until the autoscaler first decides, as in Knative (the activator starts in the path). */
  #activatorInPath = true;
  readonly #sockets: WebSocketDeps;

  constructor(readonly spec: RevisionRuntimeSpec, private readonly deps: PoolDeps) {
    this.key = `${spec.namespace}/${spec.revision}`;
    this.meter = new ConcurrencyMeter(deps.clock);
    this.#sockets = {
      clock: deps.clock,
      limits: {
        idleTimeoutMs: (spec.idleTimeoutSeconds ?? 0) * 1000,
        backlogBytes: deps.limits.webSocketBacklogBytes,
        clientBufferBytes: deps.limits.webSocketClientBufferBytes,
      },
    };
    this.#instances = new InstanceSet({
      launcher: deps.launcher,
      clock: deps.clock,
      nextId: deps.nextInstanceId,
      containerConcurrency: spec.containerConcurrency,
      startTimeoutMs: deps.limits.instanceStartTimeoutMs,
      stuckProbeMs: deps.limits.stuckProbeMs,
      revision: spec.revision,
      log: deps.log,
      listener: {
        ready: (i, ms) => this.#onReady(i, ms),
        lost: (i, error) => this.#onLost(i, error),
        frame: (_i, f) => this.#relays.get(f.stream)?.onFrame(f.type, f.payload),
        changed: () => deps.onScaleChange?.(),
      },
    });
    const timeouts: ResponseTimeouts = {
      timeoutMs: spec.timeoutSeconds * 1000,
      responseStartMs: (spec.responseStartTimeoutSeconds ?? spec.timeoutSeconds) * 1000,
      idleMs: (spec.idleTimeoutSeconds ?? 0) * 1000,
    };
    this.#timeouts = new TimeoutSweep(deps.clock, TIMEOUT_SWEEP_MS, (entry) => {
      const { relay, instance, startedAt } = entry;
      if (relay.finished || relay.isWebSocket) return;
      const verdict = checkDeadlines(timeouts, {
        startedAt,
        answered: relay.answered,
        lastByteAt: relay.lastByteAt,
      }, deps.clock.now());
      if (!verdict.expired) return this.#timeouts.add(entry, verdict.next);
      const started = relay.answered;
      relay.fail(504, `revision "${spec.revision}" ${verdict.why}`);
      // An instance that never answered may be stuck in a loop: probe it.
      if (!started) this.#instances.probe(instance);
    });
    this.#activator = new Activator({
      clock: deps.clock,
      revision: spec.revision,
      pick: () => this.#instances.pick(),
      queueBound: () => this.#queueBound(),
      askCapacity: () => {
        if (this.#instances.live === 0) this.#coldSince ??= deps.clock.now();
        deps.askCapacity?.();
      },
    });
  }

  /** Why this revision runs in pool hosts of its own, if it does. */
  get quarantine(): string | undefined {
    return this.deps.quarantine?.();
  }

  get readyCount(): number {
    return this.#instances.count("ready");
  }

  get desired(): number {
    return this.#instances.desired;
  }

  get inFlight(): number {
    return this.#instances.inFlight;
  }

  get queued(): number {
    return this.#activator.held;
  }

  /**
   * Whether the activator is in the request path, as the autoscaler decides from Knative's
   * target-burst-capacity (see activator_path.ts). In the path, every request is admitted through
   * it, behind the ones it holds, and counts as activator traffic; out of it, a request takes a free
   * instance slot directly. At zero, or with no slot free, the activator holds requests either way:
   * an instance has no queue of its own here (the activator's queue is queue-proxy's too).
   */
  get activatorInPath(): boolean {
    return this.#activatorInPath || this.readyCount === 0;
  }

  /** The autoscaler's decision; `why` goes to the log when it changes. */
  setActivatorInPath(inPath: boolean, why: string) {
    if (inPath === this.#activatorInPath) return;
    this.#activatorInPath = inPath;
    this.deps.log.info(
      `${this.spec.revision}: the activator ${inPath ? "enters" : "leaves"} the path: ${why}`,
    );
  }

  /** What the activator sees, for the autoscaler: instances live and starting, requests held. */
  demand(): { live: number; starting: number; held: number } {
    return {
      live: this.#instances.live,
      starting: this.#instances.count("starting"),
      held: this.#activator.held,
    };
  }

  /** Summed resource use of the ready instances, from their heartbeats: CPU microseconds and heap bytes. */
  usage(): { cpuMicros: number; heapBytes: number; instances: number } {
    return this.#instances.usage();
  }

  /** Durations (ms) of cold starts completed since the last call: first held request to its instance ready. */
  takeColdStarts(): number[] {
    return this.#coldStarts.splice(0);
  }

  /**
   * Starts the revision's first instance and resolves when it serves, or rejects with the reason it
   * could not load. The one scale not set by the autoscaler: it decides Ready before the autoscaler
   * knows the revision, which then owns the count.
   */
  async start(): Promise<void> {
    const error = await new Promise<string | undefined>((resolve) => {
      this.#firstStart.push(resolve);
      if (this.#instances.desired < 1) this.#instances.scaleTo(1);
    });
    if (error) throw new Error(error);
  }

  /** The autoscaler's decision: how many instances should run. */
  scaleTo(n: number) {
    this.#instances.scaleTo(n);
  }

  dispatch(request: Request, url: string, clientIp?: string): Promise<Response> {
    if (this.#stopped) {
      return Promise.resolve(errorResponse(503, `revision "${this.spec.revision}" is shutting down`));
    }
    const start = this.deps.clock.now();
    this.meter.enter();
    // With room on an instance the request goes straight there (in the activator's path, only when
    // it holds nothing: no overtaking); the rest waits in the activator.
    const viaActivator = this.#activatorInPath;
    const instance = viaActivator && this.#activator.held > 0 ? undefined : this.#instances.pick();
    if (instance) return this.#forward(instance, request, url, start, clientIp, 0, false, viaActivator);
    return this.#held(request, url, start, clientIp);
  }

  async #held(request: Request, url: string, start: number, clientIp?: string): Promise<Response> {
    const coldStart = this.#instances.count("ready") === 0;
    const got = await this.#activator.hold(start + this.spec.timeoutSeconds * 1000);
    const waitMs = this.deps.clock.now() - start;
    if (got instanceof Response) {
      this.meter.leave();
      this.#requestDone(request, url, start, waitMs, coldStart, true, got.status);
      return got;
    }
    return this.#forward(got, request, url, start, clientIp, waitMs, coldStart, true);
  }

  #requestDone(
    request: Request,
    url: string,
    start: number,
    waitMs: number,
    coldStart: boolean,
    viaActivator: boolean,
    status: number,
    instance?: Instance,
  ) {
    this.deps.onRequestDone?.({
      request,
      start,
      waitMs,
      coldStart,
      viaActivator,
      method: request.method,
      url,
      status,
      durationMs: this.deps.clock.now() - start,
      instance: instance?.id,
      instanceStartedAt: instance?.startedAt,
    });
  }

  /** Open WebSockets (each also counts as a request in flight). */
  get openSockets(): number {
    let n = 0;
    for (const relay of this.#relays.values()) if (relay.isWebSocket) n++;
    return n;
  }

  /**
   * The revision no longer gets traffic (a rollout): its open WebSockets are closed with 1001 after
   * `graceMs`, so their clients reconnect to the new revision.
   */
  retireSockets(graceMs: number, reason = "the revision was replaced") {
    after(this.deps.clock, graceMs, () => this.#closeSockets(reason));
  }

  /**
   * Stops taking requests, lets the ones in flight finish (up to graceMs), closes open WebSockets
   * with 1001, then stops the instances.
   */
  async stop(graceMs = 0) {
    this.#stopped = true;
    this.#activator.refuseAll(() => errorResponse(503, "the revision is shutting down"));
    const until = this.deps.clock.now() + graceMs;
    while (this.inFlight > this.openSockets && this.deps.clock.now() < until) await this.deps.clock.sleep(50);
    if (this.openSockets > 0) {
      this.#closeSockets("the platform is shutting down");
      // Their close handshakes, briefly.
      const closing = this.deps.clock.now() + SOCKET_CLOSE_WAIT_MS;
      while (this.openSockets > 0 && this.deps.clock.now() < closing) await this.deps.clock.sleep(20);
    }
    // What is still running when the grace ends is answered, never left hanging.
    for (const relay of [...this.#relays.values()]) {
      relay.fail(503, `revision "${this.spec.revision}" stopped`);
    }
    this.#timeouts.clear();
    this.#instances.stopAll();
  }

  #forward(
    instance: Instance,
    request: Request,
    url: string,
    startedAt: number,
    clientIp: string | undefined,
    waitMs: number,
    coldStart: boolean,
    viaActivator: boolean,
  ): Promise<Response> {
    const stream = this.#nextStream;
    this.#nextStream = stream >= 0xfffffff0 ? 1 : stream + 1;
    const link = instance.handle!.link;
    const relay = new RequestRelay(link, stream, instance.id, request.method, (r) => {
      this.#relays.delete(r.id);
      this.#timeouts.delete(entry);
      this.meter.leave();
      this.#requestDone(request, url, startedAt, waitMs, coldStart, viaActivator, r.status, instance);
      this.#instances.release(instance);
      this.#activator.drain();
    }, this.#sockets);
    const entry = { relay, instance, startedAt };
    this.#relays.set(relay.id, relay);
    request.signal.addEventListener("abort", () => relay.cancel("the caller went away"), { once: true });
    const raw = request.body;
    // No body (every GET): sent at once, without waiting a turn for prepareBody.
    if (raw === null) this.#send(relay, entry, link, request, url, NO_BODY, clientIp);
    else {
      prepareBody(raw).then(
        (body) => this.#send(relay, entry, link, request, url, body, clientIp),
        () => relay.fail(400, "reading the request body failed"),
      );
    }
    return relay.response;
  }

  #send(
    relay: RequestRelay,
    entry: { relay: RequestRelay; instance: Instance; startedAt: number },
    link: RelayLink,
    request: Request,
    url: string,
    body: PreparedBody,
    clientIp: string | undefined,
  ) {
    if (relay.finished) {
      // The caller left, or it timed out, while its body was read.
      body.rest?.reader.cancel().catch(() => {});
      return;
    }
    if (link.gone) relay.fail(502, `instance of "${this.spec.revision}" crashed`);
    else relay.start(request, url, body, clientIp);
    // Until it is over: the response must start, and a streamed body finish, in time (see checkDeadlines).
    if (!relay.finished) {
      const responseStartMs = (this.spec.responseStartTimeoutSeconds ?? this.spec.timeoutSeconds) * 1000;
      this.#timeouts.add(
        entry,
        entry.startedAt + Math.min(responseStartMs, this.spec.timeoutSeconds * 1000),
      );
    }
  }

  #closeSockets(reason: string) {
    for (const relay of this.#relays.values()) if (relay.isWebSocket) relay.closeSocket(1001, reason);
  }

  #queueBound(): number {
    const cc = this.spec.containerConcurrency;
    if (cc === 0) return this.deps.limits.unboundedQueueDepth;
    const instances = Math.max(1, this.readyCount, this.#instances.desired);
    return this.deps.limits.queueDepthFactor * cc * instances;
  }

  #onReady(instance: Instance, startMs: number) {
    if (this.#coldSince !== null) {
      this.#coldStarts.push(this.deps.clock.now() - this.#coldSince);
      this.#coldSince = null;
    }
    // Waiting requests first; bookkeeping (a log line, a status write) after.
    this.#activator.drain();
    for (const settle of this.#firstStart.splice(0)) settle();
    after(this.deps.clock, 0, () => {
      this.deps.log.info(
        `${this.spec.revision}: instance ${instance.id} ready on pool host ${instance.handle?.hostPid} ` +
          `in ${startMs.toFixed(1)} ms`,
      );
      this.deps.onScaleChange?.();
      if (this.#instances.live !== this.#instances.desired) this.#instances.converge();
    });
  }

  #onLost(instance: Instance, error: string) {
    this.lastError = error;
    // Over its CPU limit the request is refused (503), as an overloaded instance's would be.
    const status = error.includes(CPU_LIMIT_EXCEEDED) ? 503 : 502;
    for (const relay of [...this.#relays.values()]) {
      if (relay.instance === instance.id) {
        relay.fail(status, `instance of "${this.spec.revision}" failed: ${error}`);
      }
    }
    // With nothing starting or running, held requests cannot be served: answer them now.
    if (this.#instances.live > 0) return;
    for (const settle of this.#firstStart.splice(0)) settle(error);
    this.#activator.refuseAll(() =>
      errorResponse(502, `revision "${this.spec.revision}" could not start: ${this.lastError}`)
    );
  }
}
