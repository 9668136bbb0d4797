import assert from "node:assert/strict";
import {
  natsJetStreamSourceDocument,
  rabbitmqSourceDocument,
  redisStreamSourceDocument,
} from "./queue_source_documents.ts";
import { UsageError } from "./cli_error.ts";

Deno.test("dn source redis create builds eventing-redis's RedisStreamSource", () => {
  assert.deepEqual(
    redisStreamSourceDocument("r", "ns", {
      address: "127.0.0.1:6379",
      stream: "s",
      group: "g",
      sink: "ksvc:hello",
    }),
    {
      apiVersion: "sources.knative.dev/v1alpha1",
      kind: "RedisStreamSource",
      metadata: { name: "r", namespace: "ns" },
      spec: {
        address: "127.0.0.1:6379",
        stream: "s",
        group: "g",
        sink: { ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: "hello" } },
      },
    },
  );
  assert.throws(() => redisStreamSourceDocument("r", "ns", { stream: "s", sink: "ksvc:x" }), UsageError);
});

Deno.test("dn source rabbitmq create takes a Secret or a cluster name, not both", () => {
  const doc = rabbitmqSourceDocument("q", "ns", {
    secret: "rabbit",
    queue: "orders",
    exchange: "ex",
    predeclared: false,
    parallelism: "4",
    sink: "http://127.0.0.1:1/x",
  });
  assert.deepEqual(doc.spec, {
    rabbitmqClusterReference: { connectionSecret: { name: "rabbit" } },
    rabbitmqResourcesConfig: { predeclared: false, exchangeName: "ex", queueName: "orders", parallelism: 4 },
    sink: { uri: "http://127.0.0.1:1/x" },
  });
  assert.throws(
    () => rabbitmqSourceDocument("q", "ns", { secret: "a", cluster: "b", predeclared: true, sink: "ksvc:x" }),
    UsageError,
  );
});

Deno.test("dn source nats create builds a NatsJetStreamSource", () => {
  const doc = natsJetStreamSourceDocument("n", "ns", {
    stream: "ORDERS",
    subject: "orders.>",
    sink: "ksvc:x",
  });
  assert.equal(doc.kind, "NatsJetStreamSource");
  assert.deepEqual((doc.spec as Record<string, unknown>).subject, "orders.>");
});
