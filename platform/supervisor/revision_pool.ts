/**
 * One revision's serving core, put together: a request is counted by the meter, takes a slot on an
 * instance of the instance set or is held by the activator until one frees up, and travels to the
 * instance as a RequestRelay. Answers 504 past timeoutSeconds (and has the instance probed), 502
 * when its instance dies mid-request, 503 when shutting down or the queue is full.
 */
import { after } from "../clock/clock.ts";
import { errorResponse } from "../http/error_response.ts";
import type { RevisionBackend } from "../router/revision_backend.ts";
import { Activator, queueBound } from "./activator.ts";
import { ConcurrencyMeter } from "./concurrency_meter.ts";
import { type Instance, InstanceSet } from "./instance_set.ts";
import { ColdStartTimer } from "./cold_start_timer.ts";
import { InFlightRequests } from "./in_flight_requests.ts";
import { CPU_LIMIT_EXCEEDED } from "./cpu_budget.ts";
import type { PoolDeps, RequestDone } from "./pool_types.ts";
import type { RevisionRuntimeSpec } from "./revision_runtime_spec.ts";

/** On stop, how long closing WebSockets get for their close handshake, ms. */
const SOCKET_CLOSE_WAIT_MS = 1000;

export class RevisionPool implements RevisionBackend {
  readonly key: string;
  readonly meter: ConcurrencyMeter;
  /** The last reason an instance failed to start or died, for status and errors. */
  lastError: string | null = null;
  readonly #instances: InstanceSet;
  readonly #activator: Activator<Instance>;
  readonly #flights: InFlightRequests<Instance>;
  readonly #coldStarts: ColdStartTimer;
  #firstStart: ((error?: string) => void)[] = [];
  #stopped = false;

  constructor(readonly spec: RevisionRuntimeSpec, private readonly deps: PoolDeps) {
    this.key = `${spec.namespace}/${spec.revision}`;
    this.meter = new ConcurrencyMeter(deps.clock);
    this.#coldStarts = new ColdStartTimer(deps.clock);
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
        frame: (_i, f) => this.#flights.frame(f.stream, f.type, f.payload),
        changed: () => deps.onScaleChange?.(),
      },
    });
    // A request that never got an answer before its deadline: its instance may be stuck, so it is probed.
    this.#flights = InFlightRequests.forRevision<Instance>(spec, deps, (i) => this.#instances.probe(i));
    this.#activator = new Activator({
      clock: deps.clock,
      revision: spec.revision,
      pick: () => this.#instances.pick(),
      queueBound: () =>
        queueBound(
          deps.limits,
          spec.containerConcurrency,
          Math.max(this.readyCount, this.#instances.desired),
        ),
      askCapacity: () => {
        if (this.#instances.live === 0) this.#coldStarts.begin();
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

  /** Whether the activator is in the path of every request (see Activator.inPath); always at zero. */
  get activatorInPath(): boolean {
    return this.#activator.inPath || this.readyCount === 0;
  }

  /** The autoscaler's decision from target-burst-capacity; `why` goes to the log when it changes. */
  setActivatorInPath(inPath: boolean, why: string) {
    if (!this.#activator.setInPath(inPath)) return;
    this.deps.log.info(
      `${this.spec.revision}: the activator ${inPath ? "enters" : "leaves"} the path: ${why}`,
    );
  }

  /** What the activator sees, for the autoscaler: instances live and starting, requests held. */
  demand(): { live: number; starting: number; held: number } {
    const instances = this.#instances;
    return { live: instances.live, starting: instances.count("starting"), held: this.#activator.held };
  }

  /** Summed resource use of the ready instances, from their heartbeats: CPU microseconds and heap bytes. */
  usage(): { cpuMicros: number; heapBytes: number; instances: number } {
    return this.#instances.usage();
  }

  /** Durations (ms) of cold starts completed since the last call: first held request to its instance ready. */
  takeColdStarts(): number[] {
    return this.#coldStarts.take();
  }

  /**
   * Starts the first instance; resolves when it serves, rejects with why it could not load. The one
   * scale not set by the autoscaler (Ready is decided before the autoscaler knows the revision).
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
    this.meter.enter();
    // With room on an instance the request goes straight there (in the activator's path, only when
    // it holds nothing: no overtaking); the rest waits in the activator. Its record, filled in on the
    // way, goes to the access log and tracing when it is over.
    const viaActivator = this.#activator.inPath;
    const done: RequestDone = {
      request,
      start: this.deps.clock.now(),
      waitMs: 0,
      method: request.method,
      url,
      status: 0,
      durationMs: 0,
      coldStart: false,
      viaActivator,
    };
    const instance = viaActivator && this.#activator.held > 0 ? undefined : this.#instances.pick();
    return instance ? this.#forward(instance, done, clientIp) : this.#held(done, clientIp);
  }

  async #held(done: RequestDone, clientIp?: string): Promise<Response> {
    done.coldStart = this.#instances.count("ready") === 0;
    done.viaActivator = true;
    const got = await this.#activator.hold(done.start + this.spec.timeoutSeconds * 1000);
    done.waitMs = this.deps.clock.now() - done.start;
    if (!(got instanceof Response)) return this.#forward(got, done, clientIp);
    this.meter.leave();
    this.#finish(done, got.status);
    return got;
  }

  #forward(instance: Instance, done: RequestDone, clientIp: string | undefined): Promise<Response> {
    const link = instance.handle!.link;
    return this.#flights.send(instance, link, done.request, done.url, done.start, clientIp, (status) => {
      this.meter.leave();
      done.instance = instance.id;
      done.instanceStartedAt = instance.startedAt;
      this.#finish(done, status);
      this.#instances.release(instance);
      this.#activator.drain();
    });
  }

  #finish(done: RequestDone, status: number) {
    done.status = status;
    done.durationMs = this.deps.clock.now() - done.start;
    this.deps.onRequestDone?.(done);
  }

  /** Open WebSockets (each also counts as a request in flight). */
  get openSockets(): number {
    return this.#flights.openSockets;
  }

  /**
   * The revision no longer gets traffic (a rollout): its open WebSockets are closed with 1001 after
   * `graceMs`, so their clients reconnect to the new revision.
   */
  retireSockets(graceMs: number, reason = "the revision was replaced") {
    after(this.deps.clock, graceMs, () => this.#flights.closeSockets(1001, reason));
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
    await this.#flights.closeSocketsAndWait(1001, "the platform is shutting down", SOCKET_CLOSE_WAIT_MS);
    // What is still running when the grace ends is answered, never left hanging.
    this.#flights.failAll(503, `revision "${this.spec.revision}" stopped`);
    this.#instances.stopAll();
  }

  #onReady(instance: Instance, startMs: number) {
    this.#coldStarts.end();
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
    this.#flights.failOn(instance.id, status, `instance of "${this.spec.revision}" failed: ${error}`);
    // With nothing starting or running, held requests cannot be served: answer them now.
    if (this.#instances.live > 0) return;
    for (const settle of this.#firstStart.splice(0)) settle(error);
    this.#activator.refuseAll(() =>
      errorResponse(502, `revision "${this.spec.revision}" could not start: ${this.lastError}`)
    );
  }
}
