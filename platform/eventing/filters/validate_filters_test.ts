import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { validateFilters, validateTriggerFilterSpec } from "./mod.ts";

/** Specs that validate, as Knative's webhook accepts them. */
const ACCEPTED: [name: string, spec: unknown][] = [
  ["an empty spec", {}],
  ["null filter and filters", { filter: null, filters: null }],
  ["an attributes filter with extensions and empty values", {
    filter: { attributes: { type: "t", myext: "" } },
  }],
  ["one attribute per exact, prefix and suffix", {
    filters: [{ exact: { type: "t" } }, { prefix: { source: "/s" } }, { suffix: { subject: "x" } }],
  }],
  ["nested all, any and not", {
    filters: [{ all: [{ any: [{ not: { exact: { type: "t" } } }, { cesql: "EXISTS subject" }] }] }],
  }],
  ["empty maps, lists and strings beside a dialect, which do not count as dialects", {
    filters: [{ exact: { type: "t" }, prefix: {}, all: [], any: [], cesql: "" }],
  }],
  ["an element with no dialect at all", { filters: [{}] }],
  ["other spec fields, which are not the filter's business", {
    broker: "default",
    subscriber: { uri: "/x" },
  }],
];

for (const [name, spec] of ACCEPTED) {
  Deno.test(`validateTriggerFilterSpec() accepts ${name}`, () => {
    assertEquals(validateTriggerFilterSpec(spec), []);
  });
}

/** Specs that must be refused, with the field paths of every problem. */
const REFUSED: [name: string, spec: unknown, paths: string[]][] = [
  ["a spec that is not an object", "nope", ["spec"]],
  ["two dialects in one element", { filters: [{ exact: { type: "t" }, suffix: { myext: "-v" } }] }, [
    "spec.filters[0]",
  ]],
  ["three dialects in a nested element", {
    filters: [{ any: [{ exact: { type: "t" } }, { prefix: { a: "b" }, cesql: "true", not: {} }] }],
  }, ["spec.filters[0].any[1]"]],
  ["not beside another dialect, even when empty", { filters: [{ not: {}, exact: { type: "t" } }] }, [
    "spec.filters[0]",
  ]],
  ["two attributes in one exact", { filters: [{ exact: { type: "t", source: "s" } }] }, [
    "spec.filters[0].exact",
  ]],
  ["an attribute name with capitals", { filters: [{ prefix: { invALID: "x" } }] }, [
    "spec.filters[0].prefix.invALID",
  ]],
  ["an attribute name starting with a digit", { filter: { attributes: { "0invalid": "x" } } }, [
    "spec.filter.attributes[0invalid]",
  ]],
  ["an attribute name with a dash", { filters: [{ not: { suffix: { "my-ext": "x" } } }] }, [
    "spec.filters[0].not.suffix[my-ext]",
  ]],
  ["a value that is not a string", { filters: [{ exact: { priority: 3 } }] }, [
    "spec.filters[0].exact.priority",
  ]],
  ["invalid CESQL", { filters: [{ all: [{ cesql: "type = " }] }] }, ["spec.filters[0].all[0].cesql"]],
  ["CESQL that is not a string", { filters: [{ cesql: true }] }, ["spec.filters[0].cesql"]],
  ["an unknown dialect", { filters: [{ sql: "true" }] }, ["spec.filters[0].sql"]],
  ["an unknown field in filter", { filter: { attributes: {}, exact: {} } }, ["spec.filter.exact"]],
  ["filters that is not a list", { filters: { exact: { type: "t" } } }, ["spec.filters"]],
  ["an element that is not an object", { filters: ["type = 't'"] }, ["spec.filters[0]"]],
  ["all that is not a list", { filters: [{ all: { exact: { type: "t" } } }] }, ["spec.filters[0].all"]],
  ["several problems at once", {
    filter: { attributes: { Type: "x" } },
    filters: [{ exact: { type: "t" }, cesql: "(" }],
  }, ["spec.filter.attributes.Type", "spec.filters[0]", "spec.filters[0].cesql"]],
];

for (const [name, spec, paths] of REFUSED) {
  Deno.test(`validateTriggerFilterSpec() refuses ${name}`, () => {
    const errors = validateTriggerFilterSpec(spec);
    assertEquals(errors.map((e) => e.path), paths);
    for (const error of errors) assert(error.message.length > 0);
  });
}

Deno.test("validateFilters() names the multiple-dialect problem the way Knative does", () => {
  const [error] = validateFilters([{ exact: { type: "t" }, suffix: { myext: "-v" } }], "spec.filters");
  assertEquals(error.path, "spec.filters[0]");
  assert(error.message.includes("filters can have only one dialect set"), error.message);
});

Deno.test("validateFilters() reports where in a CESQL expression the syntax breaks", () => {
  const [error] = validateFilters([{ cesql: "type LIKE 5" }], "filters");
  assertEquals(error.path, "filters[0].cesql");
  assert(error.message.includes("position 10"), error.message);
});

Deno.test("validateFilters() refuses nesting deep enough to threaten the stack", () => {
  let filter: unknown = { exact: { type: "t" } };
  for (let i = 0; i < 1000; i++) filter = { not: filter };
  const errors = validateFilters([filter], "spec.filters");
  assertEquals(errors.length, 1);
  assert(errors[0].message.includes("nest"), errors[0].message);
});
