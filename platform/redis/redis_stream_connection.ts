/**
 * A RedisStreamSource's connection (npm `redis`): creates the stream and group when missing, then
 * reads with XREADGROUP as a stable consumer: first the entries it was given before but never
 * acknowledged (after a crash or a lost connection: redeliveries), then new ones (`>`), blocking a
 * second at a time. An entry is XACKed only when the source is done with it (entries finished
 * while an XACK is on its way share the next one: `ack_batch.ts`). The backlog is the
 * group's lag plus its pending entries (XINFO GROUPS). Two clients: blocking reads would hold up
 * acknowledgements on a shared one. No automatic reconnect: the runner reconnects and reports.
 */
import { createClient } from "redis";
import type { QueueConnection, QueueMessage } from "../eventing/sources/queue/queue_connection.ts";
import { messageEvent } from "../eventing/sources/queue/message_event.ts";
import { AckBatch } from "./ack_batch.ts";
import {
  consumerOf,
  groupOf,
  REDIS_EVENT_TYPE,
  redisEventSource,
  type RedisStreamSource,
  redisUrlOf,
} from "./redis_stream_source.ts";

const BLOCK_MS = 1_000;
const CONNECT_TIMEOUT_MS = 2_000;

type Client = ReturnType<typeof createClient>;

function client(url: string): Client {
  const c = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: CONNECT_TIMEOUT_MS } });
  // Errors also reject the command in flight, which is where they are handled.
  c.on("error", () => {});
  return c;
}

export async function connectRedisStream(source: RedisStreamSource): Promise<QueueConnection> {
  const url = redisUrlOf(source.spec.address);
  const commands = client(url);
  const reader = client(url);
  try {
    await commands.connect();
    await reader.connect();
    await commands.xGroupCreate(source.spec.stream, groupOf(source), "$", { MKSTREAM: true }).catch((err) => {
      if (!String((err as Error).message).startsWith("BUSYGROUP")) throw err;
    });
  } catch (err) {
    await Promise.allSettled([commands.destroy(), reader.destroy()]);
    throw err;
  }
  return new RedisStreamConnection(source, commands, reader);
}

class RedisStreamConnection implements QueueConnection {
  #closed = false;
  #stream: string;
  #group: string;
  #consumer: string;
  #acks: AckBatch;

  constructor(
    private readonly source: RedisStreamSource,
    private readonly commands: Client,
    private readonly reader: Client,
  ) {
    this.#stream = source.spec.stream;
    this.#group = groupOf(source);
    this.#consumer = consumerOf(source);
    this.#acks = new AckBatch((ids) => this.commands.xAck(this.#stream, this.#group, ids));
  }

  async consume(onMessage: (message: QueueMessage) => Promise<void>, maxInFlight: number): Promise<void> {
    let inFlight = 0;
    let wake: (() => void) | undefined;
    // Own pending entries first (ids after `cursor`), then new ones.
    let cursor: string | undefined = "0";
    while (!this.#closed) {
      // Refill in batches (once half the slots are free), not one round trip per finished entry.
      if (inFlight > 0 && inFlight >= Math.ceil(maxInFlight / 2)) {
        await new Promise<void>((r) => (wake = r));
        continue;
      }
      let reply;
      try {
        reply = await this.reader.xReadGroup(
          this.#group,
          this.#consumer,
          { key: this.#stream, id: cursor ?? ">" },
          cursor ? { COUNT: maxInFlight - inFlight } : { COUNT: maxInFlight - inFlight, BLOCK: BLOCK_MS },
        );
      } catch (err) {
        if (this.#closed) return;
        throw err;
      }
      // RESP2 shape: [{ name, messages: [{ id, message: { field: value } }] }], or null when none came.
      const streams = reply as unknown as {
        messages: { id: string; message: Record<string, string> | null }[];
      }[] | null;
      const entries = streams?.[0]?.messages ?? [];
      if (cursor !== undefined) cursor = entries.length > 0 ? entries[entries.length - 1].id : undefined;
      const redelivered = cursor !== undefined;
      for (const entry of entries) {
        inFlight++;
        const message = this.#message(entry.id, entry.message, redelivered);
        onMessage(message).catch(() => {}).finally(() => {
          inFlight--;
          wake?.();
          wake = undefined;
        });
      }
    }
  }

  #message(id: string, fields: Record<string, string> | null, redelivered: boolean): QueueMessage {
    const ack = () => this.#acks.ack(id);
    const headers: Record<string, string> = {};
    let body = new Uint8Array();
    let contentType: string | undefined;
    const asEvent = fields && "specversion" in fields;
    if (asEvent) {
      // Fields that are a CloudEvent's attributes: the event passes through as it is.
      for (const [k, v] of Object.entries(fields)) {
        if (k === "data") body = new TextEncoder().encode(v);
        else if (k === "datacontenttype") contentType = v;
        else headers[`ce-${k}`] = v;
      }
    } else {
      body = new TextEncoder().encode(JSON.stringify(fields ?? {}));
      contentType = "application/json";
    }
    const event = messageEvent(
      { body, headers, contentType },
      { id, type: REDIS_EVENT_TYPE, source: redisEventSource(this.source) },
      this.source.spec.ceOverrides?.extensions,
    );
    return { event, redelivered, ack };
  }

  async backlog(): Promise<number> {
    const groups = await this.commands.xInfoGroups(this.#stream) as unknown as {
      name: string;
      pending: number;
      lag: number | null;
    }[];
    const group = groups.find((g) => g.name === this.#group);
    if (!group) throw new Error(`the group ${this.#group} of stream ${this.#stream} is gone`);
    return (group.lag ?? 0) + group.pending;
  }

  async close() {
    this.#closed = true;
    await Promise.allSettled([this.reader.destroy(), this.commands.destroy()]);
  }
}
