/**
 * The hand-written equivalents of the Redis, RabbitMQ and NATS sources, for comparison: a bare
 * client that reads each message and POSTs it as a binary-mode CloudEvent (ce-* headers set by
 * hand) to `url`, with the same number of messages in flight as the source, and acknowledges it
 * after the answer. No retries, no dead letters, no status: the least a program could do to move
 * messages to an HTTP function. Each resolves with the seconds from the first answer to the last.
 */
// @ts-types="npm:@types/amqplib@^0.10.7"
import amqp from "amqplib";
import { createClient } from "redis";
import { AckPolicy, connect, DeliverPolicy } from "nats";

/** Counts answers and times the first and the last. */
class Clock {
  done = 0;
  #first = 0;
  #last = 0;
  tick() {
    if (this.done++ === 0) this.#first = performance.now();
    this.#last = performance.now();
  }
  get seconds() {
    return (this.#last - this.#first) / 1000;
  }
}

async function post(url: string, id: string, body: Uint8Array<ArrayBuffer>) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "ce-specversion": "1.0", "ce-id": id, "ce-source": "/bench", "ce-type": "bench.message" },
    body,
  });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
}

export async function bareRedisSeconds(
  stream: string,
  group: string,
  total: number,
  inFlight: number,
  url: string,
) {
  const client = createClient({ url: "redis://127.0.0.1:6379" });
  client.on("error", () => {});
  await client.connect();
  const clock = new Clock();
  try {
    while (clock.done < total) {
      const reply = await client.xReadGroup(group, "bare", { key: stream, id: ">" }, {
        COUNT: inFlight,
        BLOCK: 1000,
      });
      const entries =
        (reply as unknown as { messages: { id: string; message: Record<string, string> }[] }[] | null)?.[0]
          ?.messages ?? [];
      await Promise.all(entries.map(async (e) => {
        await post(url, e.id, new TextEncoder().encode(JSON.stringify(e.message)));
        await client.xAck(stream, group, e.id);
        clock.tick();
      }));
    }
  } finally {
    await client.close();
  }
  return clock.seconds;
}

export async function bareRabbitmqSeconds(queue: string, total: number, inFlight: number, url: string) {
  const connection = await amqp.connect("amqp://guest:guest@127.0.0.1:5672");
  const channel = await connection.createChannel();
  await channel.prefetch(inFlight);
  const clock = new Clock();
  try {
    await new Promise<void>((resolve, reject) => {
      channel.consume(queue, (msg) => {
        if (!msg) return;
        post(url, String(msg.properties.messageId ?? msg.fields.deliveryTag), new Uint8Array(msg.content))
          .then(() => {
            channel.ack(msg);
            clock.tick();
            if (clock.done >= total) resolve();
          }, reject);
      }).catch(reject);
    });
  } finally {
    await connection.close();
  }
  return clock.seconds;
}

export async function bareNatsSeconds(stream: string, total: number, inFlight: number, url: string) {
  const nc = await connect({ servers: "127.0.0.1:4222" });
  const jsm = await nc.jetstreamManager();
  await jsm.consumers.add(stream, {
    durable_name: "bare",
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    max_ack_pending: inFlight,
  });
  const consumer = await nc.jetstream().consumers.get(stream, "bare");
  const messages = await consumer.consume({ max_messages: inFlight });
  const clock = new Clock();
  let running = 0;
  let wake: (() => void) | undefined;
  try {
    for await (const m of messages) {
      while (running >= inFlight) await new Promise<void>((r) => (wake = r));
      running++;
      post(url, `${stream}/${m.seq}`, new Uint8Array(m.data)).then(() => {
        m.ack();
        clock.tick();
        running--;
        wake?.();
      });
      if (clock.done + running >= total) break;
    }
    while (clock.done < total) await new Promise((r) => setTimeout(r, 5));
  } finally {
    await nc.close();
  }
  return clock.seconds;
}
