import { deepStrictEqual as assertEquals, equal } from "node:assert/strict";
import { CeOverridesSchema, destinationOf, SinkSchema } from "./source_spec.ts";

const REF = { apiVersion: "serving.knative.dev/v1", kind: "Service", name: "fn" };

function issues(schema: typeof SinkSchema | typeof CeOverridesSchema, value: unknown): string[] {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

Deno.test("a sink may be a ref, an absolute uri, or a ref with a relative uri", () => {
  assertEquals(issues(SinkSchema, { ref: REF }), []);
  assertEquals(issues(SinkSchema, { uri: "https://example.com/hook" }), []);
  assertEquals(issues(SinkSchema, { ref: REF, uri: "/path" }), []);
});

Deno.test("a sink with neither ref nor uri is refused", () => {
  assertEquals(issues(SinkSchema, {}), [": expected exactly one of ref or uri, got neither"]);
});

Deno.test("a sink uri must be absolute alone and relative beside a ref", () => {
  equal(issues(SinkSchema, { uri: "/path" })[0].startsWith("uri:"), true);
  equal(issues(SinkSchema, { uri: "ftp://example.com/" })[0].startsWith("uri:"), true);
  equal(issues(SinkSchema, { ref: REF, uri: "http://example.com/" })[0].startsWith("uri:"), true);
});

Deno.test("a ref needs apiVersion, kind and name", () => {
  assertEquals(issues(SinkSchema, { ref: { kind: "Service" } }).map((i) => i.split(":")[0]).sort(), [
    "ref.apiVersion",
    "ref.name",
  ]);
});

Deno.test("override extension names must be CloudEvents attribute names, not core ones", () => {
  assertEquals(issues(CeOverridesSchema, { extensions: { team: "a", region2: "b" } }), []);
  equal(
    issues(CeOverridesSchema, { extensions: { "My-Ext": "a" } })[0].startsWith("extensions.My-Ext"),
    true,
  );
  equal(issues(CeOverridesSchema, { extensions: { type: "a" } })[0].includes("core attribute"), true);
});

Deno.test("a sink becomes the sender's destination without extra fields", () => {
  assertEquals(destinationOf({ ref: { ...REF, namespace: "a" }, uri: "/p", audience: "x" }), {
    ref: { ...REF, namespace: "a" },
    uri: "/p",
  });
  assertEquals(destinationOf({ uri: "http://x.example/" }), { uri: "http://x.example/" });
});
