/**
 * A durable JetStream pull consumer read as a `QueueConnection` (npm `nats`), shared by the
 * NatsJetStreamSource and the NatsJetStreamChannel: explicit acks, `max_ack_pending` = messages in
 * flight; a message being delivered is kept "in progress" (so JetStream does not hand it out again
 * while a slow sink retries), and one left unacknowledged (a crash) comes back after the ack wait,
 * flagged redelivered. The backlog is the consumer's pending plus unacknowledged count.
 */
import { AckPolicy, type ConsumerConfig, DeliverPolicy, type JsMsg, type NatsConnection } from "nats";
import type { QueueConnection, QueueMessage } from "../eventing/sources/queue/queue_connection.ts";
import { SourceConfigError } from "../eventing/sources/queue/queue_connection.ts";

/** How long JetStream waits for an ack before handing a message out again, ms. */
export const ACK_WAIT_MS = 10_000;
const IN_PROGRESS_EVERY_MS = 4_000;
const NANOS_PER_MS = 1_000_000;

export interface ConsumerSpec {
  stream: string;
  durable: string;
  filterSubject?: string;
  maxInFlight: number;
}

/** Creates (or updates) the durable consumer; the stream must exist. */
export async function ensureConsumer(nc: NatsConnection, spec: ConsumerSpec) {
  const jsm = await nc.jetstreamManager();
  try {
    await jsm.streams.info(spec.stream);
  } catch (err) {
    throw new SourceConfigError(
      "StreamNotFound",
      `the JetStream stream "${spec.stream}" does not exist: ${(err as Error).message}`,
    );
  }
  const config: Partial<ConsumerConfig> = {
    durable_name: spec.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    max_ack_pending: spec.maxInFlight,
    ack_wait: ACK_WAIT_MS * NANOS_PER_MS,
  };
  if (spec.filterSubject) config.filter_subject = spec.filterSubject;
  await jsm.consumers.add(spec.stream, config);
}

export class JetStreamConsumerConnection implements QueueConnection {
  #closed = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly spec: ConsumerSpec,
    /** Turns a JetStream message into what the source delivers. */
    private readonly toMessage: (m: JsMsg) => Omit<QueueMessage, "ack" | "redelivered">,
  ) {}

  async consume(onMessage: (message: QueueMessage) => Promise<void>, maxInFlight: number): Promise<void> {
    const consumer = await this.nc.jetstream().consumers.get(this.spec.stream, this.spec.durable);
    const messages = await consumer.consume({ max_messages: maxInFlight });
    let wake: (() => void) | undefined;
    // One timer for every message in flight, rather than one per message.
    const working = new Set<JsMsg>();
    const keepWorking = setInterval(() => working.forEach((m) => m.working()), IN_PROGRESS_EVERY_MS);
    const lost = this.nc.closed().then((err) => {
      messages.stop();
      return err ?? new Error("the NATS connection closed");
    });
    const reading = (async () => {
      for await (const m of messages) {
        while (working.size >= maxInFlight) await new Promise<void>((r) => (wake = r));
        working.add(m);
        const message: QueueMessage = {
          ...this.toMessage(m),
          redelivered: m.info.redelivered,
          // A lost ack only means a redelivery (counted), never a loss: no need to wait for its confirmation.
          ack: () => {
            m.ack();
            return Promise.resolve();
          },
        };
        onMessage(message).catch(() => {}).finally(() => {
          working.delete(m);
          wake?.();
          wake = undefined;
        });
      }
    })();
    const ended = await Promise.race([
      lost,
      reading.then(() => new Error("the NATS consumer stopped"), (err) => err as Error),
    ]).finally(() => clearInterval(keepWorking));
    if (!this.#closed) throw ended;
  }

  async backlog(): Promise<number> {
    const jsm = await this.nc.jetstreamManager();
    const info = await jsm.consumers.info(this.spec.stream, this.spec.durable);
    return info.num_pending + info.num_ack_pending;
  }

  async close() {
    this.#closed = true;
    await this.nc.close().catch(() => {});
  }
}

/** A JetStream message's headers as a plain map (the last value of each). */
export function headersOf(m: JsMsg): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of m.headers?.keys() ?? []) out[key] = m.headers!.get(key);
  return out;
}
