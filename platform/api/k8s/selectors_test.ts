import assert from "node:assert/strict";
import { parseFieldSelector, parseLabelSelector, SelectorError } from "./selectors.ts";
import type { KObject } from "../../resources/meta.ts";

const obj = (name: string, labels: Record<string, string> = {}, namespace = "default") =>
  ({ apiVersion: "v1", kind: "X", metadata: { name, namespace, labels } }) as KObject;

Deno.test("label selectors: equality, sets, existence", () => {
  const a = obj("a", { app: "web", tier: "front" });
  const b = obj("b", { app: "db" });
  const match = (sel: string) => [a, b].filter(parseLabelSelector(sel)).map((o) => o.metadata.name);
  assert.deepEqual(match(""), ["a", "b"]);
  assert.deepEqual(match("app=web"), ["a"]);
  assert.deepEqual(match("app==db"), ["b"]);
  assert.deepEqual(match("app!=web"), ["b"]);
  assert.deepEqual(match("app in (web, db),tier"), ["a"]);
  assert.deepEqual(match("app notin (web)"), ["b"]);
  assert.deepEqual(match("!tier"), ["b"]);
  assert.deepEqual(match("serving.knative.dev/service=x"), []);
  assert.throws(() => parseLabelSelector("a=b=c"), SelectorError);
});

Deno.test("field selectors: metadata.name and metadata.namespace only", () => {
  const objs = [obj("a"), obj("b", {}, "dev")];
  const match = (sel: string) => objs.filter(parseFieldSelector(sel)).map((o) => o.metadata.name);
  assert.deepEqual(match("metadata.name=a"), ["a"]);
  assert.deepEqual(match("metadata.namespace!=default"), ["b"]);
  assert.deepEqual(match("metadata.name=b,metadata.namespace=dev"), ["b"]);
  assert.throws(() => parseFieldSelector("spec.x=1"), /not supported/);
});
