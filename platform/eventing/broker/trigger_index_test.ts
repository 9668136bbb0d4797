import { deepStrictEqual as assertEquals, throws } from "node:assert/strict";
import type { CloudEvent } from "../cloudevents/cloudevent.ts";
import { TriggerIndex } from "./trigger_index.ts";
import type { Trigger, TriggerSpec } from "./trigger_resource.ts";

const event = (type: string, extensions: CloudEvent["extensions"] = {}): CloudEvent => ({
  specversion: "1.0",
  id: "1",
  source: "/s",
  type,
  extensions,
});

function trigger(uid: string, spec: Partial<TriggerSpec>, namespace = "default"): Trigger {
  return {
    apiVersion: "eventing.knative.dev/v1",
    kind: "Trigger",
    metadata: { name: `t-${uid}`, namespace, uid },
    spec: { broker: "default", subscriber: { uri: "http://example.com/" }, ...spec },
  };
}

Deno.test("an event goes to the triggers of its own broker and namespace whose filters pass", () => {
  const index = new TriggerIndex();
  index.upsert(trigger("all", {}));
  index.upsert(trigger("orders", { filter: { attributes: { type: "order" } } }));
  index.upsert(trigger("cesql", { filters: [{ cesql: "type LIKE 'ord%' AND tenant = 'acme'" }] }));
  index.upsert(trigger("other-broker", { broker: "other" }));
  index.upsert(trigger("other-ns", {}, "prod"));
  assertEquals(index.matching("default", "default", event("order")).sort(), ["all", "orders"]);
  assertEquals(index.matching("default", "default", event("order", { tenant: "acme" })).sort(), [
    "all",
    "cesql",
    "orders",
  ]);
  assertEquals(index.matching("default", "other", event("x")), ["other-broker"]);
  assertEquals(index.matching("prod", "default", event("x")), ["other-ns"]);
  assertEquals(index.matching("default", "missing", event("x")), []);
});

Deno.test("the broker's TTL extension is invisible to filters", () => {
  const index = new TriggerIndex();
  index.upsert(trigger("ttl", { filter: { attributes: { knativebrokerttl: "" } } }));
  assertEquals(index.matching("default", "default", event("x", { knativebrokerttl: 255 })), []);
});

Deno.test("replacing a trigger applies its new filter and broker; removing it stops matching", () => {
  const index = new TriggerIndex();
  index.upsert(trigger("a", { filter: { attributes: { type: "one" } } }));
  index.upsert(trigger("a", { broker: "b2", filter: { attributes: { type: "two" } } }));
  assertEquals(index.matching("default", "default", event("one")), []);
  assertEquals(index.matching("default", "b2", event("two")), ["a"]);
  index.remove("a");
  assertEquals(index.matching("default", "b2", event("two")), []);
});

Deno.test("a trigger whose filters do not compile is refused", () => {
  throws(() => new TriggerIndex().upsert(trigger("bad", { filters: [{ cesql: "type =" }] })));
});
