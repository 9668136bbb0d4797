import assert from "node:assert/strict";
import { fieldsFromV1, fieldsToV1, serverSideApply } from "./server_side_apply.ts";

const now = new Date("2026-01-01T00:00:00Z");
const doc = (spec: Record<string, unknown>, labels?: Record<string, string>) => ({
  apiVersion: "serving.knative.dev/v1",
  kind: "Service",
  metadata: { name: "a", ...(labels ? { labels } : {}) },
  spec,
});

function applyOk(
  live: Record<string, unknown> | undefined,
  applied: Record<string, unknown>,
  manager = "me",
  force = false,
) {
  const r = serverSideApply(live, applied, { manager, force, now });
  if (!r.ok) throw new Error(`conflicts: ${JSON.stringify(r.conflicts)}`);
  return r.object;
}

Deno.test("apply: creates, records the manager's fields, and drops the fields it stops applying", () => {
  const first = applyOk(undefined, doc({ x: 1, y: { z: [1, 2] } }, { team: "a" }));
  const managed =
    (first.metadata as { managedFields: { manager: string; fieldsV1: Record<string, unknown> }[] })
      .managedFields;
  assert.equal(managed[0].manager, "me");
  assert.deepEqual(managed[0].fieldsV1, {
    "f:metadata": { "f:labels": { "f:team": {} } },
    "f:spec": { "f:x": {}, "f:y": { "f:z": {} } },
  });
  const second = applyOk(first, doc({ x: 2 }));
  assert.deepEqual(second.spec, { x: 2, y: {} });
  assert.equal((second.metadata as { labels?: Record<string, string> }).labels?.team, undefined);
});

Deno.test("apply: another manager's field with a different value conflicts unless forced", () => {
  const mine = applyOk(undefined, doc({ x: 1, y: 1 }));
  const conflict = serverSideApply(mine, doc({ x: 5 }), { manager: "other", force: false, now });
  assert.equal(conflict.ok, false);
  assert.deepEqual(!conflict.ok && conflict.conflicts, [{ manager: "me", field: ".spec.x" }]);
  // The same value is shared ownership, not a conflict.
  assert.equal(serverSideApply(mine, doc({ x: 1 }), { manager: "other", force: false, now }).ok, true);
  const forced = applyOk(mine, doc({ x: 5 }), "other", true);
  assert.deepEqual(forced.spec, { x: 5, y: 1 });
  // "me" lost x: applying without it no longer removes it.
  const after = applyOk(forced, doc({ y: 1 }), "me");
  assert.deepEqual(after.spec, { x: 5, y: 1 });
});

Deno.test("fieldsV1 round trip", () => {
  const fields = [JSON.stringify(["spec", "a"]), JSON.stringify(["spec", "b", "c"])];
  assert.deepEqual(fieldsFromV1(fieldsToV1(fields)).sort(), fields.sort());
});
