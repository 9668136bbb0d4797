/**
 * A RabbitmqSource's connection (npm `amqplib`): declares the exchange (durable, `fanout`) and the
 * queue (durable) and binds them, unless `predeclared` (then the queue must exist); consumes with a
 * prefetch of `parallelism`, so at most that many messages are unfinished; acknowledges a message
 * only when the source is done with it. A message RabbitMQ flags `redelivered` was handed out before
 * without an acknowledgement (a crash, a lost connection). The backlog is the queue's ready count,
 * read on a channel of its own (a failed check closes its channel).
 */
// @ts-types="npm:@types/amqplib@^0.10.7"
import amqp from "amqplib";
import type { QueueConnection, QueueMessage } from "../eventing/sources/queue/queue_connection.ts";
import { SourceConfigError } from "../eventing/sources/queue/queue_connection.ts";
import { messageEvent } from "../eventing/sources/queue/message_event.ts";
import {
  parallelismOf,
  queueOf,
  RABBITMQ_EVENT_TYPE,
  rabbitmqEventSource,
  type RabbitmqSource,
} from "./rabbitmq_source.ts";

const CONNECT_TIMEOUT_MS = 2_000;

export async function connectRabbitmqSource(source: RabbitmqSource, uri: string): Promise<QueueConnection> {
  const connection = await amqp.connect(uri, { timeout: CONNECT_TIMEOUT_MS });
  // Errors also close the connection, which is where they are handled.
  connection.on("error", () => {});
  try {
    const channel = await connection.createChannel();
    channel.on("error", () => {});
    const config = source.spec.rabbitmqResourcesConfig;
    const queue = queueOf(source);
    try {
      if (config.predeclared) {
        await channel.checkQueue(queue);
      } else {
        await channel.assertExchange(config.exchangeName!, "fanout", { durable: true });
        await channel.assertQueue(queue, { durable: true });
        await channel.bindQueue(queue, config.exchangeName!, "");
      }
    } catch (err) {
      throw new SourceConfigError(
        "ResourcesNotReady",
        `declaring the exchange and queue failed: ${(err as Error).message}`,
      );
    }
    await channel.prefetch(parallelismOf(source));
    return new RabbitmqSourceConnection(source, connection, channel, queue);
  } catch (err) {
    await connection.close().catch(() => {});
    throw err;
  }
}

class RabbitmqSourceConnection implements QueueConnection {
  #closed = false;

  constructor(
    private readonly source: RabbitmqSource,
    private readonly connection: amqp.ChannelModel,
    private readonly channel: amqp.Channel,
    private readonly queue: string,
  ) {}

  consume(onMessage: (message: QueueMessage) => Promise<void>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.connection.once("close", (err?: Error) => {
        if (this.#closed) resolve();
        else reject(err ?? new Error("the RabbitMQ connection closed"));
      });
      this.channel.consume(this.queue, (msg) => {
        if (!msg) return reject(new Error(`the queue ${this.queue} was deleted`));
        onMessage(this.#message(msg)).catch(() => {});
      }, { noAck: false }).catch(reject);
    });
  }

  #message(msg: amqp.ConsumeMessage): QueueMessage {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(msg.properties.headers ?? {})) {
      if (v !== undefined && v !== null) headers[k] = typeof v === "string" ? v : String(v);
    }
    const { messageId, contentType, timestamp } = msg.properties;
    const event = messageEvent(
      { body: new Uint8Array(msg.content), headers, contentType },
      {
        id: messageId ? String(messageId) : `${this.queue}/${msg.fields.deliveryTag}-${crypto.randomUUID()}`,
        type: RABBITMQ_EVENT_TYPE,
        source: rabbitmqEventSource(this.source),
        subject: this.queue,
        time: typeof timestamp === "number" ? new Date(timestamp * 1000).toISOString() : undefined,
      },
      this.source.spec.ceOverrides?.extensions,
    );
    return {
      event,
      redelivered: msg.fields.redelivered,
      ack: () => {
        // A channel that closed meanwhile takes the message back: it is delivered again later.
        this.channel.ack(msg);
        return Promise.resolve();
      },
    };
  }

  async backlog(): Promise<number> {
    const probe = await this.connection.createChannel();
    probe.on("error", () => {});
    try {
      return (await probe.checkQueue(this.queue)).messageCount;
    } finally {
      await probe.close().catch(() => {});
    }
  }

  async close() {
    this.#closed = true;
    await this.connection.close().catch(() => {});
  }
}
