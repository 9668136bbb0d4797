/**
 * The hand-written equivalent of a KafkaSource, for comparison: a bare kafkajs consumer that POSTs
 * each record as a binary-mode CloudEvent (ce-* headers set by hand) to `url`, keeping up to
 * `inFlight` requests open per batch, as an unordered source does. No retries, no dead letters, no
 * per-record offsets: the least a program could do to move records to an HTTP function.
 */
import { Kafka, logLevel } from "kafkajs";

/** Seconds from the first record's answer to the last one's. */
export async function bareConsumerToHttpSeconds(
  brokers: readonly string[],
  topic: string,
  records: number,
  inFlight: number,
  url: string,
): Promise<number> {
  const kafka = new Kafka({ clientId: "bench-bare-http", brokers: [...brokers], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({
    groupId: `bench-bare-http-${crypto.randomUUID()}`,
    maxWaitTimeInMs: 500,
  });
  let done = 0;
  let first = 0;
  let last = 0;
  const post = async (partition: number, offset: string, value: Uint8Array<ArrayBuffer> | null) => {
    const res = await fetch(url, {
      method: "POST",
      headers: {
        "ce-specversion": "1.0",
        "ce-id": `partition:${partition}/offset:${offset}`,
        "ce-source": `/bench/${topic}`,
        "ce-type": "dev.knative.kafka.event",
      },
      body: value,
    });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${url} answered ${res.status}`);
    if (done++ === 0) first = performance.now();
    last = performance.now();
  };
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the bare consumer delivered ${done} of ${records}`)),
        120_000,
      );
      consumer.run({
        eachBatch: async ({ batch }) => {
          const queue = [...batch.messages];
          await Promise.all(Array.from({ length: Math.min(inFlight, queue.length) }, async () => {
            for (let m = queue.shift(); m; m = queue.shift()) {
              await post(batch.partition, m.offset, m.value && new Uint8Array(m.value));
            }
          }));
          if (done >= records) {
            clearTimeout(timer);
            resolve();
          }
        },
      }).catch(reject);
    });
  } finally {
    await consumer.disconnect().catch(() => {});
  }
  return (last - first) / 1000;
}
