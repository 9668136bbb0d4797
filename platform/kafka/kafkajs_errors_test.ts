import { equal, ok } from "node:assert/strict";
import { BrokerUnreachableError } from "./kafka_client.ts";
import { kafkajsError } from "./kafkajs_errors.ts";

/** An error as kafkajs makes them: what matters is its class name (and its cause). */
function kafkajs(name: string, message: string, cause?: Error): Error {
  const err = new Error(message, cause ? { cause } : undefined);
  err.name = name;
  return err;
}

Deno.test("a refused connection is a broker that cannot be reached", () => {
  const err = kafkajsError(
    kafkajs("KafkaJSConnectionError", "Connection error: connect ECONNREFUSED 127.0.0.1:1"),
  );
  ok(err instanceof BrokerUnreachableError);
  equal(err.message, "Connection error: connect ECONNREFUSED 127.0.0.1:1");
});

Deno.test("a connection error under kafkajs' retries exceeded is found through the cause", () => {
  const cause = kafkajs("KafkaJSConnectionError", "Connection timeout");
  const err = kafkajsError(kafkajs("KafkaJSNumberOfRetriesExceeded", "Connection timeout", cause));
  ok(err instanceof BrokerUnreachableError);
  equal(err.message, "Connection timeout");
});

Deno.test("an error the broker answered with stays as it is", () => {
  const original = kafkajs("KafkaJSProtocolError", "This server does not host this topic-partition");
  equal(kafkajsError(original), original);
  equal(kafkajsError("text").message, "text");
});
