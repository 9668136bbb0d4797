import { strictEqual as assertEquals, throws as assertThrows } from "node:assert/strict";
import { compileTriggerFilter, InvalidFilterError, type TriggerFilterSpec } from "./mod.ts";

const EVENT = {
  specversion: "1.0",
  id: "order-17",
  source: "https://shop.example.com/commerce/orders",
  type: "com.example.order.created",
  subject: "",
  region: "eu-west-1",
  priority: 3,
  urgent: true,
  data: "not an attribute",
};

const CASES: [name: string, spec: TriggerFilterSpec, matches: boolean][] = [
  ["no filtering at all lets every event through", {}, true],
  ["an empty attributes filter lets every event through", { filter: { attributes: {} } }, true],
  ["attributes match when every value is equal", {
    filter: { attributes: { type: "com.example.order.created", region: "eu-west-1" } },
  }, true],
  ["attributes are compared case-sensitively", { filter: { attributes: { region: "EU-WEST-1" } } }, false],
  ["one differing attribute fails the attributes filter", {
    filter: { attributes: { type: "com.example.order.created", region: "us-east-1" } },
  }, false],
  ["an empty attribute value means present with any value", { filter: { attributes: { region: "" } } }, true],
  [
    "an empty attribute value still requires the attribute",
    { filter: { attributes: { missing: "" } } },
    false,
  ],
  ["a missing attribute fails the attributes filter", { filter: { attributes: { missing: "x" } } }, false],
  ["data is not an attribute", { filter: { attributes: { data: "" } } }, false],
  ["extensions of other types compare by their text", {
    filter: { attributes: { priority: "3", urgent: "true" } },
  }, true],
  ["exact matches an equal value", { filters: [{ exact: { id: "order-17" } }] }, true],
  ["exact fails on a different value", { filters: [{ exact: { id: "order-1" } }] }, false],
  ["exact fails on a missing attribute", { filters: [{ exact: { missing: "x" } }] }, false],
  ["exact compares Integer extensions by text", { filters: [{ exact: { priority: "3" } }] }, true],
  ["prefix matches the start of the value", { filters: [{ prefix: { type: "com.example." } }] }, true],
  ["prefix fails otherwise", { filters: [{ prefix: { type: "example." } }] }, false],
  ["prefix fails on a missing attribute", { filters: [{ prefix: { missing: "x" } }] }, false],
  ["suffix matches the end of the value", { filters: [{ suffix: { type: ".created" } }] }, true],
  ["suffix fails otherwise", { filters: [{ suffix: { type: ".deleted" } }] }, false],
  ["suffix fails on a missing attribute", { filters: [{ suffix: { missing: "x" } }] }, false],
  ["an empty expected value makes an exact filter neutral, as in Knative", {
    filters: [{ exact: { missing: "" } }],
  }, true],
  ["every element of filters must pass", {
    filters: [{ prefix: { type: "com.example." } }, { suffix: { type: ".deleted" } }],
  }, false],
  ["all passes when every nested filter passes", {
    filters: [{ all: [{ prefix: { type: "com." } }, { exact: { region: "eu-west-1" } }] }],
  }, true],
  ["all fails when one nested filter fails", {
    filters: [{ all: [{ prefix: { type: "com." } }, { exact: { region: "us" } }] }],
  }, false],
  ["any passes when one nested filter passes", {
    filters: [{ any: [{ exact: { region: "us" } }, { exact: { region: "eu-west-1" } }] }],
  }, true],
  ["any fails when no nested filter passes", {
    filters: [{ any: [{ exact: { region: "us" } }, { exact: { missing: "x" } }] }],
  }, false],
  ["not inverts its filter", { filters: [{ not: { exact: { region: "us" } } }] }, true],
  ["not of a missing attribute passes", { filters: [{ not: { exact: { missing: "x" } } }] }, true],
  ["filters nest: not inside any inside all", {
    filters: [{
      all: [
        { any: [{ not: { suffix: { type: ".created" } } }, { exact: { region: "eu-west-1" } }] },
        { not: { any: [{ prefix: { source: "http://" } }, { exact: { subject: "x" } }] } },
      ],
    }],
  }, true],
  ["a neutral filter is skipped by all and stays neutral under not", {
    filters: [{ all: [{}, { not: {} }, { exact: { region: "eu-west-1" } }] }],
  }, true],
  ["cesql passes on true", {
    filters: [{ cesql: "source LIKE '%commerce%' AND priority > 2 AND urgent" }],
  }, true],
  ["cesql fails on false", { filters: [{ cesql: "priority > 5" }] }, false],
  ["cesql fails on a missing attribute", { filters: [{ cesql: "missing = 'x' OR true" }] }, false],
  [
    "cesql fails on a missing attribute even under NOT",
    { filters: [{ cesql: "NOT (missing = 'x')" }] },
    false,
  ],
  ["cesql fails on a math error", { filters: [{ cesql: "priority / 0 = 0" }] }, false],
  ["cesql fails on a cast error even when the value is true", { filters: [{ cesql: "NOT 10" }] }, false],
  ["cesql fails on a missing function", { filters: [{ cesql: "NOPE(type)" }] }, false],
  ["cesql fails on a result that is not a Boolean", { filters: [{ cesql: "'true'" }] }, false],
  ["cesql does not see data", { filters: [{ cesql: "EXISTS data" }] }, false],
  ["a non-empty filters overrides filter", {
    filter: { attributes: { region: "us-east-1" } },
    filters: [{ exact: { region: "eu-west-1" } }],
  }, true],
  ["an empty filters leaves filter in charge", {
    filter: { attributes: { region: "us-east-1" } },
    filters: [],
  }, false],
];

for (const [name, spec, matches] of CASES) {
  Deno.test(`trigger filter: ${name}`, () => {
    assertEquals(compileTriggerFilter(spec)(EVENT), matches);
  });
}

Deno.test("a compiled filter gives each event its own answer", () => {
  const matches = compileTriggerFilter({ filters: [{ cesql: "type IN ('a', 'b') AND INT(n) >= 2" }] });
  const events = [{ type: "a", n: "2" }, { type: "b", n: "1" }, { type: "c", n: "9" }, { type: "a", n: "x" }];
  assertEquals(events.map(matches).join(), "true,false,false,false");
});

Deno.test("compileTriggerFilter() refuses a spec that does not validate", () => {
  const spec = { filters: [{ exact: { type: "x" }, suffix: { type: "y" } }] };
  assertThrows(
    () => compileTriggerFilter(spec),
    (e) => e instanceof InvalidFilterError && e.errors[0].path === "spec.filters[0]",
  );
  assertThrows(() => compileTriggerFilter({ filters: [{ cesql: "type =" }] }), InvalidFilterError);
});
