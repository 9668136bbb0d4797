/**
 * CloudEvents over AMQP for the RabbitMQ broker (npm `amqplib`): an event is published in the
 * binary layout (`ce-` headers, data as the body, persistent) and waits for the broker's publisher
 * confirm; a queue is consumed as a `QueueConnection` whose messages decode back into events.
 */
// @ts-types="npm:@types/amqplib@^0.10.7"
import type amqp from "amqplib";
import { Buffer } from "node:buffer";
import type { CloudEvent } from "../eventing/cloudevents/cloudevent.ts";
import { encodeHttpBinary } from "../eventing/cloudevents/http_encode.ts";
import type { QueueConnection, QueueMessage } from "../eventing/sources/queue/queue_connection.ts";
import { messageEvent } from "../eventing/sources/queue/message_event.ts";

/** Publishes one event and resolves once RabbitMQ confirmed it. */
export function publishEvent(
  channel: amqp.ConfirmChannel,
  exchange: string,
  routingKey: string,
  event: CloudEvent,
): Promise<void> {
  const encoded = encodeHttpBinary(event);
  const { "content-type": contentType, ...headers } = encoded.headers;
  const body = typeof encoded.body === "string" ? Buffer.from(encoded.body) : Buffer.from(encoded.body ?? []);
  return new Promise((resolve, reject) => {
    try {
      channel.publish(exchange, routingKey, body, { persistent: true, headers, contentType }, (err) => {
        if (err) reject(err instanceof Error ? err : new Error(String(err)));
        else resolve();
      });
    } catch (err) {
      reject(err);
    }
  });
}

/** A queue consumed on a confirm channel (so the consumer can publish replies and dead letters too). */
export class AmqpEventQueue implements QueueConnection {
  #closed = false;

  constructor(
    readonly connection: amqp.ChannelModel,
    readonly channel: amqp.ConfirmChannel,
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
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(msg.properties.headers ?? {})) {
          if (v !== undefined && v !== null) headers[k] = String(v);
        }
        const event = messageEvent(
          { body: new Uint8Array(msg.content), headers, contentType: msg.properties.contentType },
          {
            id: `${this.queue}/${msg.fields.deliveryTag}`,
            type: "dev.knative.rabbitmq.event",
            source: `/${this.queue}`,
          },
          undefined,
        );
        const message: QueueMessage = {
          event,
          redelivered: msg.fields.redelivered,
          ack: () => {
            this.channel.ack(msg);
            return Promise.resolve();
          },
        };
        onMessage(message).catch(() => {});
      }, { noAck: false }).catch(reject);
    });
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
