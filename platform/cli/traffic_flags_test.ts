import assert from "node:assert/strict";
import { editTraffic, type TrafficEdits } from "./traffic_flags.ts";
import { UsageError } from "./cli_error.ts";

const none: TrafficEdits = { traffic: [], tags: [], untags: [] };

Deno.test("editTraffic() splits between a revision and @latest, tagging the revision", () => {
  const out = editTraffic(undefined, {
    ...none,
    traffic: ["hello-00001=50", "@latest=50"],
    tags: ["hello-00001=old"],
  });
  assert.deepEqual(out, [
    { latestRevision: true, percent: 50 },
    { revisionName: "hello-00001", latestRevision: false, tag: "old", percent: 50 },
  ]);
});

Deno.test("editTraffic() replaces the split: targets not named drop out unless tagged", () => {
  const current = [
    { latestRevision: true, percent: 50 },
    { revisionName: "a-00001", latestRevision: false, percent: 25 },
    { revisionName: "a-00002", latestRevision: false, percent: 25, tag: "v2" },
  ];
  const out = editTraffic(current, { ...none, traffic: ["@latest=100"] });
  assert.deepEqual(out, [
    { latestRevision: true, percent: 100 },
    { revisionName: "a-00002", latestRevision: false, percent: 0, tag: "v2" },
  ]);
});

Deno.test("editTraffic() lets --traffic name a tag, including one given by --tag in the same command", () => {
  const out = editTraffic([{ latestRevision: true, percent: 100 }], {
    ...none,
    tags: ["a-00001=blue"],
    traffic: ["blue=10", "@latest=90"],
  });
  assert.deepEqual(out, [
    { latestRevision: true, percent: 90 },
    { revisionName: "a-00001", latestRevision: false, tag: "blue", percent: 10 },
  ]);
});

Deno.test("editTraffic() tags @latest on its target and adds a 0% target for an untargeted revision", () => {
  const out = editTraffic(undefined, { ...none, tags: ["@latest=current", "a-00001=old"] });
  assert.deepEqual(out, [
    { latestRevision: true, percent: 100, tag: "current" },
    { revisionName: "a-00001", latestRevision: false, tag: "old", percent: 0 },
  ]);
});

Deno.test("editTraffic() untags, dropping a target left with 0% and no tag", () => {
  const current = [
    { latestRevision: true, percent: 100 },
    { revisionName: "a-00001", latestRevision: false, tag: "old", percent: 0 },
  ];
  assert.deepEqual(editTraffic(current, { ...none, untags: ["old"] }), [{
    latestRevision: true,
    percent: 100,
  }]);
  assert.throws(
    () => editTraffic(current, { ...none, untags: ["nope"] }),
    /no traffic target has the tag "nope"/,
  );
});

Deno.test("editTraffic() refuses a split that does not add up to 100, repeats, and taken tags", () => {
  assert.throws(
    () => editTraffic(undefined, { ...none, traffic: ["a=50", "@latest=40"] }),
    (e) => e instanceof UsageError && /add up to 90/.test(e.message),
  );
  assert.throws(() => editTraffic(undefined, { ...none, traffic: ["a=50", "a=50"] }), /more than once/);
  assert.throws(() => editTraffic(undefined, { ...none, traffic: ["a=x"] }), /whole number/);
  assert.throws(
    () => editTraffic([{ revisionName: "a-1", tag: "v", percent: 100 }], { ...none, tags: ["a-2=v"] }),
    /already in use/,
  );
});

Deno.test("editTraffic() accepts 'PCT%' and a tag that is already where it is asked to be", () => {
  const current = [{ revisionName: "a-1", latestRevision: false, tag: "v", percent: 100 }];
  assert.deepEqual(editTraffic(current, { ...none, tags: ["a-1=v"], traffic: ["v=100%"] }), current);
});
