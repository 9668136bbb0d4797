import assert from "node:assert/strict";
import { decodeKubeProtobuf, ProtobufError } from "./protobuf.ts";

/** Request bodies kubectl v1.32 sent for `create namespace team-x`, `create secret generic s
 * --from-literal=user=alice -n default` and `create configmap c --from-literal=mode=fast`. */
const KUBECTL_BODIES = {
  namespace:
    "6b3873000a0f0a02763112094e616d657370616365121e0a160a067465616d2d7812001a0022002a0032003800420012001a020a001a002200",
  secret:
    "6b3873000a0c0a0276311206536563726574122b0a180a017312001a0764656661756c7422002a00320038004200120d0a04757365721205616c6963651a001a002200",
  configMap:
    "6b3873000a0f0a0276311209436f6e6669674d617012210a110a016312001a0022002a00320038004200120c0a046d6f64651204666173741a002200",
};

const bytes = (hex: string) => Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));

Deno.test("protobuf: kubectl's Namespace, Secret and ConfigMap bodies read as their JSON documents", () => {
  assert.deepEqual(decodeKubeProtobuf(bytes(KUBECTL_BODIES.namespace)), {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "team-x" },
  });
  assert.deepEqual(decodeKubeProtobuf(bytes(KUBECTL_BODIES.secret)), {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "s", namespace: "default" },
    data: { user: btoa("alice") },
  });
  assert.deepEqual(decodeKubeProtobuf(bytes(KUBECTL_BODIES.configMap)), {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "c" },
    data: { mode: "fast" },
  });
});

Deno.test("protobuf: other kinds, a missing prefix and truncated bodies are refused", () => {
  assert.throws(() => decodeKubeProtobuf(new TextEncoder().encode("{}")), ProtobufError);
  const body = bytes(KUBECTL_BODIES.secret);
  assert.throws(() => decodeKubeProtobuf(body.subarray(0, body.length - 10)), ProtobufError);
  // The same envelope naming a Pod.
  const pod = bytes("6b3873000a090a027631120350" + "6f641200");
  assert.throws(() => decodeKubeProtobuf(pod), /not v1 Pod/);
});
