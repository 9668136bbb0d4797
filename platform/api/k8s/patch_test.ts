import assert from "node:assert/strict";
import { jsonPatch, mergePatch, PatchError, patchKindOf, strategicAsMerge } from "./patch.ts";

Deno.test("merge patch: objects merge, null removes, lists are replaced", () => {
  const target = { spec: { traffic: [{ percent: 100 }], template: { a: 1, b: 2 } }, keep: true };
  const out = mergePatch(target, {
    spec: { traffic: [{ percent: 50 }, { percent: 50 }], template: { b: null } },
  });
  assert.deepEqual(out, {
    spec: { traffic: [{ percent: 50 }, { percent: 50 }], template: { a: 1 } },
    keep: true,
  });
  assert.deepEqual(target.spec.template, { a: 1, b: 2 }, "the target is not changed");
  assert.deepEqual(mergePatch({ a: 1 }, "x"), "x");
});

Deno.test("json patch: operations apply in order; test and bad paths fail", () => {
  const target = { spec: { traffic: [{ percent: 100 }] } };
  const out = jsonPatch(target, [
    { op: "replace", path: "/spec/traffic/0/percent", value: 60 },
    { op: "add", path: "/spec/traffic/-", value: { percent: 40 } },
  ]);
  assert.deepEqual(out, { spec: { traffic: [{ percent: 60 }, { percent: 40 }] } });
  assert.deepEqual(target.spec.traffic, [{ percent: 100 }]);
  assert.throws(
    () => jsonPatch(target, [{ op: "test", path: "/spec/traffic/0/percent", value: 1 }]),
    PatchError,
  );
  assert.throws(() => jsonPatch(target, [{ op: "remove", path: "/nope/x" }]), PatchError);
  assert.throws(() => jsonPatch(target, { op: "add" }), PatchError);
});

Deno.test("patch kinds by content type", () => {
  assert.equal(patchKindOf("application/merge-patch+json; charset=utf-8"), "merge");
  assert.equal(patchKindOf("application/json-patch+json"), "json");
  assert.equal(patchKindOf("application/apply-patch+yaml"), "apply");
  assert.equal(patchKindOf("application/strategic-merge-patch+json"), "strategic");
  assert.equal(patchKindOf("application/json"), undefined);
});

Deno.test("strategic merge patch without merge keys: directives dropped, then a merge patch", () => {
  const patch = {
    metadata: { $setElementOrder: [], labels: { a: null, b: "2" } },
    data: { k: "dg==" },
    $retainKeys: [],
  };
  assert.deepEqual(strategicAsMerge(patch), {
    metadata: { labels: { a: null, b: "2" } },
    data: { k: "dg==" },
  });
  assert.deepEqual(mergePatch({ metadata: { labels: { a: "1" } } }, strategicAsMerge(patch)), {
    metadata: { labels: { b: "2" } },
    data: { k: "dg==" },
  });
});
