/**
 * This instance's view of the processed-comments topic, shared by all its open pages. Each instance
 * consumes the whole topic in a consumer group of its own (so every instance sees every comment and
 * together they reach every page), from the end of the topic at the moment it connects. It connects
 * when the first page subscribes, retries while Kafka is unreachable, and disconnects a while after
 * the last page left.
 */
import type { Consumer, Kafka } from "./kafkajs.ts";

export type FeedStatus =
  | { state: "idle" }
  | { state: "connecting" }
  /** Every comment written to the topic from now on reaches the listeners. */
  | { state: "live"; instance: string }
  | { state: "down"; reason: string; retryInMs: number };

export interface FeedListener {
  /** A processed comment, as one line of JSON. */
  comment(json: string): void;
  status(status: FeedStatus): void;
}

export interface ProcessedFeedOptions {
  /** How long the consumer stays connected after the last listener left, ms. @default 30000 */
  idleMs?: number;
  /** First wait before reconnecting after a failure, doubled up to 15 s. @default 1000 */
  retryMs?: number;
}

const MAX_RETRY_MS = 15_000;

export class ProcessedFeed {
  readonly #listeners = new Set<FeedListener>();
  readonly #instance = crypto.randomUUID().slice(0, 8);
  readonly #idleMs: number;
  readonly #retryMs: number;
  #status: FeedStatus = { state: "idle" };
  #consumer: Consumer | undefined;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #failures = 0;
  /** Bumped on every (re)connect and stop, so a late callback of an old consumer is ignored. */
  #generation = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    options: ProcessedFeedOptions = {},
  ) {
    this.#idleMs = options.idleMs ?? 30_000;
    this.#retryMs = options.retryMs ?? 1000;
  }

  get status(): FeedStatus {
    return this.#status;
  }

  get listeners(): number {
    return this.#listeners.size;
  }

  /** Adds a listener (connecting if needed) and returns the function that removes it. */
  subscribe(listener: FeedListener): () => void {
    this.#listeners.add(listener);
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    if (this.#status.state === "idle") this.#connect();
    else listener.status(this.#status);
    return () => {
      if (!this.#listeners.delete(listener) || this.#listeners.size > 0) return;
      clearTimeout(this.#idleTimer);
      this.#idleTimer = setTimeout(() => this.#stop(), this.#idleMs);
    };
  }

  async #connect() {
    const generation = ++this.#generation;
    this.#setStatus({ state: "connecting" });
    const consumer = this.kafka.consumer({
      groupId: `danmaku-web-${this.#instance}-${generation}`,
      allowAutoTopicCreation: true,
      sessionTimeout: 10_000,
      heartbeatInterval: 3000,
      maxWaitTimeInMs: 250,
    });
    this.#consumer = consumer;
    try {
      // Where the topic ends before the group is joined: reading from there, nothing written after
      // this point is missed, however long the join takes.
      const ends = await this.#topicEnds();
      await consumer.connect();
      await consumer.subscribe({ topics: [this.topic], fromBeginning: false });
      consumer.on(consumer.events.CRASH, (event) => {
        if (!event.payload.restart) this.#failed(generation, consumer, event.payload.error);
      });
      await consumer.run({
        autoCommit: false,
        eachMessage: ({ message }) => {
          if (generation === this.#generation) this.#publish(message.value?.toString() ?? "");
          return Promise.resolve();
        },
      });
      for (const { partition, high } of ends) consumer.seek({ topic: this.topic, partition, offset: high });
      if (generation !== this.#generation) {
        await consumer.disconnect().catch(() => {});
        return;
      }
      this.#failures = 0;
      this.#setStatus({ state: "live", instance: this.#instance });
    } catch (err) {
      this.#failed(generation, consumer, err);
    }
  }

  /** The end offset of each partition, creating the topic first if nobody has written to it yet. */
  async #topicEnds(): Promise<{ partition: number; high: string }[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const topics = await admin.listTopics();
      if (!topics.includes(this.topic)) {
        await admin.createTopics({ topics: [{ topic: this.topic }], waitForLeaders: true });
      }
      return await admin.fetchTopicOffsets(this.topic);
    } finally {
      await admin.disconnect().catch(() => {});
    }
  }

  #failed(generation: number, consumer: Consumer, err: unknown) {
    consumer.disconnect().catch(() => {});
    if (generation !== this.#generation) return;
    this.#consumer = undefined;
    const retryInMs = Math.min(this.#retryMs * 2 ** this.#failures++, MAX_RETRY_MS);
    const reason = err instanceof Error ? err.message : String(err);
    console.error(`danmaku-web: the processed-comments feed failed (${reason}); retrying in ${retryInMs} ms`);
    this.#setStatus({ state: "down", reason, retryInMs });
    this.#retryTimer = setTimeout(() => {
      if (generation === this.#generation && this.#listeners.size > 0) this.#connect();
      else if (generation === this.#generation) this.#setStatus({ state: "idle" });
    }, retryInMs);
  }

  #stop() {
    this.#generation++;
    clearTimeout(this.#retryTimer);
    this.#consumer?.disconnect().catch(() => {});
    this.#consumer = undefined;
    this.#status = { state: "idle" };
  }

  #publish(value: string) {
    const json = commentJson(value);
    if (json === undefined) return;
    for (const listener of this.#listeners) listener.comment(json);
  }

  #setStatus(status: FeedStatus) {
    this.#status = status;
    for (const listener of this.#listeners) listener.status(status);
  }
}

/**
 * A record's value as one line of JSON, if it is a comment (an object with an id and a text);
 * anything else on the topic is skipped.
 */
function commentJson(value: string): string | undefined {
  try {
    const comment = JSON.parse(value);
    const ok = typeof comment === "object" && comment !== null && typeof comment.id === "string" &&
      typeof comment.text === "string";
    return ok ? JSON.stringify(comment) : undefined;
  } catch {
    return undefined;
  }
}
