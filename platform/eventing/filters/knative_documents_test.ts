import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { compileTriggerFilter, type TriggerFilterSpec, validateTriggerFilterSpec } from "./mod.ts";
import { conformanceSuite } from "../../../test/conformance.ts";

/** Trigger documents as Knative publishes them (outside suite, read at run time). */
const DOCUMENTS = conformanceSuite("knative-yaml");
const REFUSED = "trigger-rejected-exact-and-suffix-in-one-filter.yaml";

const triggerFiles = DOCUMENTS.files(".yaml").filter((name) => name.startsWith("trigger-"));

function readSpec(file: string): TriggerFilterSpec {
  const document = parseYaml(DOCUMENTS.readText(file));
  assertEquals(document.kind, "Trigger");
  return document.spec;
}

DOCUMENTS.test("the Knative documents include the refused trigger and several accepted ones", () => {
  assert(triggerFiles.includes(REFUSED));
  assert(triggerFiles.length >= 5, `only ${triggerFiles.length} trigger documents found in ${DOCUMENTS.dir}`);
});

for (const file of triggerFiles) {
  if (file === REFUSED) {
    DOCUMENTS.test(`the Knative trigger ${file} is refused with the path of its filter`, () => {
      const errors = validateTriggerFilterSpec(readSpec(file));
      assertEquals(errors.map((e) => e.path), ["spec.filters[0]"]);
      assert(errors[0].message.includes("only one dialect"), errors[0].message);
    });
  } else {
    DOCUMENTS.test(`the Knative trigger ${file} is accepted and compiles`, () => {
      const spec = readSpec(file);
      assertEquals(validateTriggerFilterSpec(spec), []);
      compileTriggerFilter(spec);
    });
  }
}

const BASE = { specversion: "1.0", id: "1", source: "/", type: "other" };

/** What the accepted documents' filters let through. */
const BEHAVIOUR: [file: string, event: Record<string, unknown>, matches: boolean][] = [
  ["trigger-all-events.yaml", BASE, true],
  ["trigger-filter-attributes.yaml", {
    ...BASE,
    type: "dev.knative.foo.bar",
    myextension: "my-extension-value",
  }, true],
  ["trigger-filter-attributes.yaml", { ...BASE, type: "dev.knative.foo.bar" }, false],
  ["trigger-filter-attributes.yaml", { ...BASE, type: "dev.knative.foo.bar", myextension: "other" }, false],
  ["trigger-filters-cesql-with-filter.yaml", {
    ...BASE,
    type: "dev.knative.foo.bar",
    myextension: "my-extension-value",
  }, true],
  ["trigger-filters-cesql-with-filter.yaml", { ...BASE, type: "dev.knative.foo.bar" }, false],
  ["trigger-filters-cesql.yaml", { ...BASE, source: "/ecommerce/shop", type: "order.updated" }, true],
  ["trigger-filters-cesql.yaml", { ...BASE, source: "/ecommerce/shop", type: "order.shipped" }, false],
  ["trigger-filters-cesql.yaml", { ...BASE, source: "/billing", type: "order.created" }, false],
  ["trigger-subscriber-uri.yaml", BASE, true],
];

for (const [file, event, matches] of BEHAVIOUR) {
  DOCUMENTS.test(`the Knative trigger ${file} ${matches ? "lets through" : "stops"} ${JSON.stringify(event)}`, () => {
    assertEquals(compileTriggerFilter(readSpec(file))(event), matches);
  });
}
