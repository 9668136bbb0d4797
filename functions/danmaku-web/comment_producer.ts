/**
 * Writes accepted comments to the comments topic as CloudEvents in Kafka's binary binding (`ce_*`
 * headers, the comment JSON as the value), so the KafkaSource passes them on as they are. The
 * producer connects on first use and again after a failure.
 */
import { type Kafka, Partitioners, type Producer } from "./kafkajs.ts";
import type { RawComment } from "./comment_input.ts";

/** The CloudEvent type of a comment as a page sent it. */
export const COMMENT_EVENT_TYPE = "dev.denative.danmaku.comment";

export class CommentProducer {
  #current: { producer: Producer; ready: Promise<Producer> } | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly source: string,
  ) {}

  /** Resolves once the broker acknowledged the comment; rejects when Kafka cannot be reached. */
  async send(comment: RawComment): Promise<void> {
    const producer = await this.#connected();
    try {
      await producer.send({
        topic: this.topic,
        acks: -1,
        messages: [{
          key: comment.id,
          value: JSON.stringify(comment),
          headers: {
            ce_specversion: "1.0",
            ce_id: comment.id,
            ce_source: this.source,
            ce_type: COMMENT_EVENT_TYPE,
            ce_time: new Date(comment.sentAt).toISOString(),
            "content-type": "application/json",
          },
        }],
      });
    } catch (err) {
      this.#reset(producer);
      throw err;
    }
  }

  #connected(): Promise<Producer> {
    if (!this.#current) {
      const producer = this.kafka.producer({
        allowAutoTopicCreation: true,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      const ready = producer.connect().then(() => producer);
      ready.catch(() => this.#reset(producer));
      this.#current = { producer, ready };
    }
    return this.#current.ready;
  }

  /** Forgets a producer that failed, so the next comment connects afresh. */
  #reset(producer: Producer) {
    if (this.#current?.producer !== producer) return;
    this.#current = undefined;
    producer.disconnect().catch(() => {});
  }
}
