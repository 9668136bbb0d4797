import { equal } from "node:assert/strict";
import { type LabelSelector, LabelSelectorSchema, matchesSelector } from "./label_selector.ts";

const LABELS = { app: "shop", tier: "web" };

const CASES: [string, LabelSelector, Record<string, string> | undefined, boolean][] = [
  ["an empty selector matches everything", {}, LABELS, true],
  ["an empty selector matches an object without labels", {}, undefined, true],
  ["matchLabels needs every pair", { matchLabels: { app: "shop", tier: "web" } }, LABELS, true],
  ["matchLabels fails on one different value", { matchLabels: { app: "shop", tier: "db" } }, LABELS, false],
  ["matchLabels fails on a missing key", { matchLabels: { team: "a" } }, LABELS, false],
  [
    "In matches a listed value",
    { matchExpressions: [{ key: "tier", operator: "In", values: ["db", "web"] }] },
    LABELS,
    true,
  ],
  [
    "In fails on a missing key",
    { matchExpressions: [{ key: "team", operator: "In", values: ["a"] }] },
    LABELS,
    false,
  ],
  [
    "NotIn matches a missing key",
    { matchExpressions: [{ key: "team", operator: "NotIn", values: ["a"] }] },
    LABELS,
    true,
  ],
  [
    "NotIn fails on a listed value",
    { matchExpressions: [{ key: "app", operator: "NotIn", values: ["shop"] }] },
    LABELS,
    false,
  ],
  ["Exists needs the key", { matchExpressions: [{ key: "app", operator: "Exists" }] }, LABELS, true],
  [
    "DoesNotExist fails when the key is there",
    { matchExpressions: [{ key: "app", operator: "DoesNotExist" }] },
    LABELS,
    false,
  ],
  [
    "labels and expressions must both hold",
    {
      matchLabels: { app: "shop" },
      matchExpressions: [{ key: "tier", operator: "In", values: ["db"] }],
    },
    LABELS,
    false,
  ],
];

for (const [name, selector, labels, expected] of CASES) {
  Deno.test(`label selector: ${name}`, () => {
    equal(LabelSelectorSchema.safeParse(selector).success, true);
    equal(matchesSelector(selector, labels), expected);
  });
}

Deno.test("an In requirement without values is refused at its values path", () => {
  const result = LabelSelectorSchema.safeParse({ matchExpressions: [{ key: "a", operator: "In" }] });
  equal(result.success, false);
  equal(result.error!.issues[0].path.join("."), "matchExpressions.0.values");
});

Deno.test("an unknown operator is refused", () => {
  equal(
    LabelSelectorSchema.safeParse({ matchExpressions: [{ key: "a", operator: "Gt", values: ["1"] }] })
      .success,
    false,
  );
});
