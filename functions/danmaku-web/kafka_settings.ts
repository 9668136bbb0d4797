/** Where the web function finds Kafka and its two topics, from the env its Service declares. */

export interface KafkaSettings {
  brokers: string[];
  /** Raw comments are written here; a KafkaSource feeds them to the processor. */
  commentsTopic: string;
  /** Processed comments are read from here and pushed to every open page. */
  processedTopic: string;
}

/** Reads `KAFKA_BROKERS` (comma-separated), `COMMENTS_TOPIC` and `PROCESSED_TOPIC`. */
export function kafkaSettings(env: Record<string, string | undefined>): KafkaSettings {
  const brokers = (env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",").map((b) => b.trim()).filter(Boolean);
  return {
    brokers: brokers.length ? brokers : ["127.0.0.1:9092"],
    commentsTopic: env.COMMENTS_TOPIC || "danmaku-comments",
    processedTopic: env.PROCESSED_TOPIC || "danmaku-processed",
  };
}
