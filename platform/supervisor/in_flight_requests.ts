/**
 * The requests of one revision that are on their instances: each a RequestRelay under its stream
 * number (frames from the instances find their request here), held to timeoutSeconds,
 * responseStartTimeoutSeconds and idleTimeoutSeconds by one periodic sweep. When an instance is
 * lost its requests are failed here; on a rollout or shutdown its WebSockets are closed here.
 */
import type { Clock } from "../clock/clock.ts";
import { prepareBody, type PreparedBody } from "../../runtime/body_channel.ts";
import type { Bytes, FrameType } from "../../runtime/protocol.ts";
import { type RelayLink, RequestRelay, type WebSocketDeps } from "./request_relay.ts";
import { checkDeadlines, type ResponseTimeouts } from "./response_deadlines.ts";
import { type SweepEntry, TimeoutSweep } from "./timeout_sweep.ts";
import { IdTable } from "../../runtime/id_table.ts";
import type { PoolLimits } from "./pool_types.ts";
import type { RevisionRuntimeSpec } from "./revision_runtime_spec.ts";

/** How often requests waiting for their response head are checked against their deadlines, ms. */
const TIMEOUT_SWEEP_MS = 100;

const NO_BODY: PreparedBody = { mode: "none" };

interface Flight<I> extends SweepEntry {
  relay: RequestRelay;
  request: Request;
  instance: I;
  link: RelayLink;
  startedAt: number;
  /** Whether its caller's leaving is watched (request.signal): from the first sweep it is still running at. */
  watched: boolean;
}

export interface InFlightDeps<I> {
  clock: Clock;
  revision: string;
  timeouts: ResponseTimeouts;
  sockets: WebSocketDeps;
  /** A request timed out before its instance answered at all: the instance may be stuck. */
  unanswered: (instance: I) => void;
}

export class InFlightRequests<I extends { readonly id: number }> {
  /** By stream number (an IdTable, not a Map: see there). */
  readonly #relays = new IdTable<RequestRelay>();
  #nextStream = 1;
  readonly #sweep: TimeoutSweep<Flight<I>>;

  /** The in-flight requests of a revision, held to its spec's timeouts and WebSocket limits. */
  static forRevision<I extends { readonly id: number }>(
    spec: RevisionRuntimeSpec,
    pool: { clock: Clock; limits: PoolLimits },
    unanswered: (instance: I) => void,
  ): InFlightRequests<I> {
    const idleMs = (spec.idleTimeoutSeconds ?? 0) * 1000;
    return new InFlightRequests<I>({
      clock: pool.clock,
      revision: spec.revision,
      timeouts: {
        timeoutMs: spec.timeoutSeconds * 1000,
        responseStartMs: (spec.responseStartTimeoutSeconds ?? spec.timeoutSeconds) * 1000,
        idleMs,
      },
      sockets: {
        clock: pool.clock,
        limits: {
          idleTimeoutMs: idleMs,
          backlogBytes: pool.limits.webSocketBacklogBytes,
          clientBufferBytes: pool.limits.webSocketClientBufferBytes,
        },
      },
      unanswered,
    });
  }

  constructor(private readonly deps: InFlightDeps<I>) {
    this.#sweep = new TimeoutSweep(deps.clock, TIMEOUT_SWEEP_MS, (flight) => this.#check(flight));
  }

  /** Open WebSockets (each also counts as a request in flight). */
  get openSockets(): number {
    let n = 0;
    for (const relay of this.#relays.values()) if (relay.isWebSocket) n++;
    return n;
  }

  /** A frame from an instance, for the request of its stream. */
  frame(stream: number, type: FrameType, payload: Bytes) {
    this.#relays.get(stream)?.onFrame(type, payload);
  }

  /**
   * Sends a request to `instance` over its `link`; `done(status)` is called once when the exchange is over, however
   * it ended. The Response resolves when the instance's head arrives (or an error is answered).
   */
  send(
    instance: I,
    link: RelayLink,
    request: Request,
    url: string,
    startedAt: number,
    clientIp: string | undefined,
    done: (status: number) => void,
  ): Promise<Response> {
    const stream = this.#nextStream;
    this.#nextStream = stream >= 0xfffffff0 ? 1 : stream + 1;
    const relay = new RequestRelay(link, stream, instance.id, request.method, (r) => {
      this.#relays.delete(r.id);
      this.#sweep.delete(flight);
      done(r.status);
    }, this.deps.sockets);
    const flight: Flight<I> = {
      relay,
      request,
      instance,
      link,
      startedAt,
      watched: false,
      deadline: 0,
      sweepIndex: -1,
    };
    this.#relays.set(stream, relay);
    const raw = request.body;
    // No body (every GET): sent at once, without waiting a turn for prepareBody.
    if (raw === null) this.#start(flight, request, url, NO_BODY, clientIp);
    else {
      prepareBody(raw).then(
        (body) => this.#start(flight, request, url, body, clientIp),
        () => relay.fail(400, "reading the request body failed"),
      );
    }
    return relay.response;
  }

  /** Answers every request on `instanceId` with `status` (its instance died). */
  failOn(instanceId: number, status: number, message: string) {
    for (const relay of this.#relays.values()) {
      if (relay.instance === instanceId) relay.fail(status, message);
    }
  }

  /** Answers every request still in flight (the revision stopped). */
  failAll(status: number, message: string) {
    for (const relay of this.#relays.values()) relay.fail(status, message);
    this.#sweep.clear();
  }

  /** Closes every open WebSocket with `code` (1001 on a rollout or shutdown). */
  closeSockets(code: number, reason: string) {
    for (const relay of this.#relays.values()) if (relay.isWebSocket) relay.closeSocket(code, reason);
  }

  /** Closes every open WebSocket and gives their close handshakes up to `waitMs`. */
  async closeSocketsAndWait(code: number, reason: string, waitMs: number) {
    if (this.openSockets === 0) return;
    this.closeSockets(code, reason);
    const until = this.deps.clock.now() + waitMs;
    while (this.openSockets > 0 && this.deps.clock.now() < until) await this.deps.clock.sleep(20);
  }

  #start(flight: Flight<I>, request: Request, url: string, body: PreparedBody, clientIp: string | undefined) {
    const { relay, link } = flight;
    if (relay.finished) {
      // The caller left, or it timed out, while its body was read.
      body.rest?.reader.cancel().catch(() => {});
      return;
    }
    if (link.gone) relay.fail(502, `instance of "${this.deps.revision}" crashed`);
    else relay.start(request, url, body, clientIp);
    // Until it is over: the response must start, and a streamed body finish, in time (see checkDeadlines);
    // and from the next sweep on, its caller's leaving is watched (see #watchCaller).
    if (!relay.finished) this.#sweep.add(flight, flight.startedAt);
  }

  /**
   * From its first sweep on, a request's caller leaving (request.signal) cancels it. Not before:
   * most requests are answered within the sweep interval, and watching every request's signal was
   * ~6% of the platform's JS samples under load (Deno registers a cancel handler for each). So a
   * caller that leaves within the first TIMEOUT_SWEEP_MS of its request is not seen (Deno does not
   * report a cancel that happened before the signal was first read): the function finishes and its
   * answer is dropped.
   */
  #watchCaller(flight: Flight<I>) {
    flight.watched = true;
    const { relay } = flight;
    flight.request.signal.addEventListener("abort", () => relay.cancel("the caller went away"), {
      once: true,
    });
  }

  #check(flight: Flight<I>) {
    const { relay, instance, startedAt } = flight;
    if (relay.finished) return;
    if (!flight.watched) this.#watchCaller(flight);
    if (relay.isWebSocket) return;
    const verdict = checkDeadlines(this.deps.timeouts, {
      startedAt,
      answered: relay.answered,
      lastByteAt: relay.lastByteAt,
    }, this.deps.clock.now());
    if (!verdict.expired) return this.#sweep.add(flight, verdict.next);
    const answered = relay.answered;
    relay.fail(504, `revision "${this.deps.revision}" ${verdict.why}`);
    if (!answered) this.deps.unanswered(instance);
  }
}
