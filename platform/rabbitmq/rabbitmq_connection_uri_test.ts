import assert from "node:assert/strict";
import { rabbitmqUri } from "./rabbitmq_connection_uri.ts";
import { encodeBase64Text } from "../resources/secret.ts";

const secret = (name: string, namespace: string, data: Record<string, string>) => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name, namespace },
  data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, encodeBase64Text(v)])),
});

Deno.test("a connectionSecret holding an AMQP URI is used as it is, with the vhost as its path", () => {
  const lookup = (ns: string, name: string) =>
    ns === "app" && name === "rabbit"
      ? secret(name, ns, { uri: "amqp://guest:guest@127.0.0.1:5672" })
      : undefined;
  assert.deepEqual(rabbitmqUri({ connectionSecret: { name: "rabbit" } }, "app", undefined, lookup), {
    uri: "amqp://guest:guest@127.0.0.1:5672",
  });
  assert.deepEqual(rabbitmqUri({ connectionSecret: { name: "rabbit" } }, "app", "orders", lookup), {
    uri: "amqp://guest:guest@127.0.0.1:5672/orders",
  });
});

Deno.test("a RabbitmqCluster name reads the Secret of that name; host, port and credentials keys combine", () => {
  const lookup = (ns: string, name: string) =>
    ns === "infra" && name === "rabbitmq"
      ? secret(name, ns, { uri: "http://rabbit.local", port: "5673", username: "u", password: "p@ss" })
      : undefined;
  assert.deepEqual(rabbitmqUri({ name: "rabbitmq", namespace: "infra" }, "app", undefined, lookup), {
    uri: "amqp://u:p%40ss@rabbit.local:5673",
  });
  const missing = rabbitmqUri({ name: "rabbitmq" }, "app", undefined, lookup);
  assert.match((missing as { error: string }).error, /Secret "rabbitmq" in namespace "app"/);
});
