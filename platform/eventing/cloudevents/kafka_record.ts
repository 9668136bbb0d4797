/**
 * A Kafka record as the Kafka binding sees it, independent of any client library. A `null` value is a
 * record without value (a binary-mode event without data).
 */
export interface KafkaRecord {
  key?: Uint8Array | string | null;
  value: Uint8Array | null;
  headers: Record<string, Uint8Array | string>;
}
