import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { nodeReadiness, nodeStatusText } from "./node_kind.ts";
import type { KObject } from "../resources/meta.ts";

Deno.test("nodeReadiness() keeps a node Ready while its heartbeat is within the lease, Unknown after", () => {
  assertEquals(nodeReadiness(0, 8_000).status, "True");
  assertEquals(nodeReadiness(8_000, 8_000).status, "True");
  assertEquals(nodeReadiness(8_001, 8_000).status, "Unknown");
  assertEquals(nodeReadiness(60_000, 8_000).reason, "NodeStatusUnknown");
  // The message does not move with the age, so a NotReady node is not rewritten every tick.
  assertEquals(nodeReadiness(9_000, 8_000).message, nodeReadiness(20_000, 8_000).message);
});

Deno.test("nodeStatusText() prints Ready only for a True Ready condition, as kubectl does", () => {
  const node = (status?: string) =>
    ({
      kind: "Node",
      metadata: { name: "n", namespace: "" },
      status: status ? { conditions: [{ type: "Ready", status }] } : undefined,
    }) as unknown as KObject;
  assertEquals(nodeStatusText(node("True")), "Ready");
  assertEquals(nodeStatusText(node("Unknown")), "NotReady");
  assertEquals(nodeStatusText(node("False")), "NotReady");
  assertEquals(nodeStatusText(node()), "NotReady");
});
