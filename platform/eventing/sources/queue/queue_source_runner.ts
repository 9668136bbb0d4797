/**
 * Runs one queue-backed source: connects (again and again, with backoff, while the server is
 * away), consumes, turns each message into a delivery with the shared delivery code (retries,
 * backoff, dead-letter sink; a sink that does not resolve holds the message), and acknowledges a
 * message only once it was delivered or dead-lettered (or dropped because nothing more was asked
 * for): at-least-once. A stop abandons unfinished messages unacknowledged; the server hands them out
 * again. Polls the backlog, which doubles as a liveness probe.
 */
import type { Clock } from "../../delivery/clock.ts";
import type { EventSender } from "../../event_sender.ts";
import { deliverRecord, type DeliveryTarget } from "../../delivery/record_delivery.ts";
import type { Logger } from "../../../log.ts";
import {
  type ConnectionState,
  type QueueConnection,
  type QueueConnector,
  type QueueMessage,
  SourceConfigError,
} from "./queue_connection.ts";

export const QUEUE_RUNNER_DEFAULTS = {
  /** First wait before reconnecting, and the longest, ms. */
  reconnectMs: { first: 200, max: 5_000 },
  /** How often the backlog is read, ms. */
  backlogEveryMs: 1_000,
};

/** How long closing a connection may take before the runner goes on without it, ms. */
const CLOSE_GRACE_MS = 1_000;

export interface QueueCounters {
  delivered: number;
  deadLettered: number;
  dropped: number;
  redelivered: number;
}

export interface QueueSourceRunnerDeps {
  name: string;
  connect: QueueConnector;
  maxInFlight: number;
  sender: Pick<EventSender, "send">;
  clock: Clock;
  log: Logger;
  /** The current target (it changes when the sink appears, moves or goes); unused with `deliver`. */
  target?(): DeliveryTarget;
  /**
   * Delivers an event itself instead (a channel's subscription, which has replies); resolves true
   * when the message is done and may be acknowledged.
   */
  deliver?(event: QueueMessage["event"], stop: AbortSignal): Promise<boolean>;
  /** The connection state or the backlog changed. */
  onChange(): void;
}

export class QueueSourceRunner {
  readonly counters: QueueCounters = { delivered: 0, deadLettered: 0, dropped: 0, redelivered: 0 };
  #state: ConnectionState = { state: "connecting" };
  #backlog: number | undefined;
  #stop = new AbortController();
  #connection: QueueConnection | undefined;
  #loop: Promise<void> | undefined;
  #backlogTimer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly deps: QueueSourceRunnerDeps) {}

  get connection(): ConnectionState {
    return this.#state;
  }

  /** Messages waiting, as last read (undefined before the first read, or while unreachable). */
  get backlog(): number | undefined {
    return this.#backlog;
  }

  start() {
    this.#loop = this.#run();
    this.#backlogTimer = setInterval(() => this.#readBacklog(), QUEUE_RUNNER_DEFAULTS.backlogEveryMs);
  }

  async stop() {
    this.#stop.abort();
    clearInterval(this.#backlogTimer);
    if (this.#connection) await closeWithin(this.#connection);
    await this.#loop;
  }

  async #run() {
    let wait = QUEUE_RUNNER_DEFAULTS.reconnectMs.first;
    while (!this.#stop.signal.aborted) {
      try {
        const connection = await this.deps.connect();
        if (this.#stop.signal.aborted) {
          await closeWithin(connection);
          return;
        }
        this.#connection = connection;
        this.#set({ state: "connected" });
        wait = QUEUE_RUNNER_DEFAULTS.reconnectMs.first;
        this.#readBacklog();
        await connection.consume((m) => this.#handle(m), this.deps.maxInFlight);
        if (this.#stop.signal.aborted) return;
        throw new Error("the server closed the connection");
      } catch (err) {
        if (this.#stop.signal.aborted) return;
        const error = err instanceof Error ? err.message : String(err);
        if (this.#state.state !== "unreachable") this.deps.log.warn(`${this.deps.name}: ${error}`);
        this.#backlog = undefined;
        const reason = err instanceof SourceConfigError ? err.reason : undefined;
        this.#set(reason ? { state: "unreachable", error, reason } : { state: "unreachable", error });
      } finally {
        const connection = this.#connection;
        this.#connection = undefined;
        if (connection) await closeWithin(connection);
      }
      await this.deps.clock.sleep(wait, this.#stop.signal).catch(() => {});
      wait = Math.min(wait * 2, QUEUE_RUNNER_DEFAULTS.reconnectMs.max);
    }
  }

  async #handle(message: QueueMessage) {
    if (message.redelivered) this.counters.redelivered++;
    if (this.deps.deliver) {
      if (await this.deps.deliver(message.event, this.#stop.signal)) await message.ack();
      return;
    }
    const result = await deliverRecord(message.event, {
      sender: this.deps.sender,
      clock: this.deps.clock,
      stop: this.#stop.signal,
      target: () => this.deps.target!(),
      onOutcome: (outcome) => {
        if (outcome.kind === "delivered") this.counters.delivered++;
        else if (outcome.kind === "dead-lettered") this.counters.deadLettered++;
        else {
          this.counters.dropped++;
          this.deps.log.warn(
            `${this.deps.name}: event ${message.event.id} dropped after ${outcome.attempts} attempt(s): ` +
              outcome.reason,
          );
        }
      },
    });
    if (result === "done") await message.ack();
  }

  #readBacklog() {
    const connection = this.#connection;
    if (!connection) return;
    connection.backlog().then((n) => {
      if (n !== this.#backlog) {
        this.#backlog = n;
        this.deps.onChange();
      }
    }, (err) => {
      // The server stopped answering: the consume loop notices too; the status says so now.
      if (this.#connection !== connection || this.#stop.signal.aborted) return;
      this.#backlog = undefined;
      this.#set({ state: "unreachable", error: err instanceof Error ? err.message : String(err) });
      connection.close().catch(() => {});
    });
  }

  #set(state: ConnectionState) {
    const changed = JSON.stringify(state) !== JSON.stringify(this.#state);
    this.#state = state;
    if (changed) this.deps.onChange();
  }
}

/** Closes a connection, waiting at most `CLOSE_GRACE_MS` (a client may wait forever on a server that is gone). */
async function closeWithin(connection: QueueConnection) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    connection.close().catch(() => {}),
    new Promise<void>((r) => (timer = setTimeout(r, CLOSE_GRACE_MS))),
  ]);
  clearTimeout(timer);
}
