/**
 * kafkajs errors in the client interface's terms: a failure to reach the brokers (a refused or
 * timed-out connection, a name that does not resolve, no broker left to ask; also when it is the
 * cause under kafkajs' "retries exceeded") becomes a `BrokerUnreachableError` with the underlying
 * message; anything else stays as it is.
 */
import { BrokerUnreachableError } from "./kafka_client.ts";

const UNREACHABLE = new Set([
  "KafkaJSConnectionError",
  "KafkaJSConnectionClosedError",
  "KafkaJSRequestTimeoutError",
  "KafkaJSNoBrokerAvailableError",
  "KafkaJSBrokerNotFound",
]);

export function kafkajsError(err: unknown): Error {
  const error = err instanceof Error ? err : new Error(String(err));
  for (let e: unknown = error; e instanceof Error; e = (e as { cause?: unknown }).cause) {
    if (UNREACHABLE.has(e.name)) return new BrokerUnreachableError(e.message, { cause: error });
  }
  return error;
}
