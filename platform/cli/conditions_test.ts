import assert from "node:assert/strict";
import { conditionColumns, describeConditions } from "./conditions.ts";

const now = new Date("2024-01-01T00:01:00Z");
const at = "2024-01-01T00:00:00Z";

Deno.test("conditionColumns() counts the True conditions and reads Ready", () => {
  const obj = {
    status: {
      conditions: [
        { type: "ConfigurationsReady", status: "False" as const, reason: "RevisionFailed" },
        { type: "Ready", status: "False" as const, reason: "RevisionFailed" },
        { type: "RoutesReady", status: "True" as const },
      ],
    },
  };
  assert.deepEqual(conditionColumns(obj), ["1 OK / 3", "False", "RevisionFailed"]);
  assert.deepEqual(conditionColumns({}), ["0 OK / 0", "Unknown", ""]);
});

Deno.test("describeConditions() lists Ready first with symbols, ages and reasons", () => {
  const out = describeConditions({
    status: {
      conditions: [
        { type: "ConfigurationsReady", status: "True", lastTransitionTime: at },
        {
          type: "Ready",
          status: "False",
          reason: "RevisionFailed",
          message: "boom\n  at x",
          lastTransitionTime: at,
        },
      ],
    },
  }, now);
  assert.equal(
    out,
    [
      "Conditions:",
      "  OK   TYPE                  AGE   REASON",
      "  !!   Ready                 60s   RevisionFailed: boom at x",
      "  ++   ConfigurationsReady   60s",
    ].join("\n"),
  );
});
