import assert from "node:assert/strict";
import { deniedNetwork } from "./network_policy.ts";

Deno.test("deniedNetwork() denies each local service and platform port under every loopback name", () => {
  const denied = deniedNetwork({
    platformPorts: [8081, 0],
    platformServers: ["kafka.internal:9093"],
    extra: ["10.0.0.5"],
  });
  for (
    const entry of [
      "127.0.0.1:5432",
      "[::1]:5432",
      "localhost:6379",
      "127.0.0.1:9092",
      "127.0.0.1:8081",
      "localhost:8081",
    ]
  ) {
    assert.ok(denied.includes(entry), entry);
  }
  for (const entry of ["169.254.169.254", "0.0.0.0", "[::]", "kafka.internal:9093", "10.0.0.5"]) {
    assert.ok(denied.includes(entry), entry);
  }
  assert.ok(!denied.some((e) => e.endsWith(":0")), "an unknown (0) port is not listed");
  assert.ok(
    !denied.includes("127.0.0.1"),
    "loopback as a whole stays reachable (the data plane, the instance link)",
  );
});

Deno.test("deniedNetwork() takes the operator's --allow-net entries off the list", () => {
  const denied = deniedNetwork({ platformPorts: [], allow: ["127.0.0.1:9092"] });
  assert.ok(!denied.includes("127.0.0.1:9092"));
  assert.ok(denied.includes("localhost:9092"), "only the exact entry");
});
