import { deepStrictEqual as assertEquals, equal, ok as assert } from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import type { KObject } from "../../resources/meta.ts";
import { parseSecret } from "../../resources/secret.ts";
import { type ApiServerSource, parseApiServerSource } from "./apiserver_source.ts";
import { guessResource, makeApiServerEvent, selfLink, watchesObject } from "./apiserver_events.ts";
import { conformanceSuite } from "../../../test/conformance.ts";

const DOCUMENTS = conformanceSuite("knative-yaml");
const ORIGIN = "http://127.0.0.1:8081";
const NOW = new Date("2024-05-01T00:00:00Z");

function source(spec: Record<string, unknown>, namespace = "default"): ApiServerSource {
  const { source, errors } = parseApiServerSource({
    apiVersion: "sources.knative.dev/v1",
    kind: "ApiServerSource",
    metadata: { name: "watcher", namespace },
    spec: { sink: { uri: "http://sink.example/" }, ...spec },
  });
  assertEquals(errors, []);
  return source;
}

function errorPaths(spec: Record<string, unknown>): string[] {
  return parseApiServerSource({
    apiVersion: "sources.knative.dev/v1",
    kind: "ApiServerSource",
    metadata: { name: "watcher", namespace: "default" },
    spec: { sink: { uri: "http://sink.example/" }, ...spec },
  }).errors.map((e) => e.path);
}

function service(name: string, extra: Partial<KObject["metadata"]> = {}, namespace = "default"): KObject {
  return {
    apiVersion: "serving.knative.dev/v1",
    kind: "Service",
    metadata: { name, namespace, ...extra },
    spec: { template: { spec: { containers: [{ image: "x" }] } } },
  };
}

const SERVICES = [{ apiVersion: "serving.knative.dev/v1", kind: "Service" }];

DOCUMENTS.test("the Knative ApiServerSource document is accepted as it is", () => {
  const yaml = parseYaml(DOCUMENTS.readText("apiserversource-broker.yaml"));
  const { errors, source } = parseApiServerSource(yaml);
  assertEquals(errors, []);
  equal(source.spec.mode, "Resource");
});

Deno.test("mode defaults to Reference, as in Knative", () => {
  equal(source({ resources: SERVICES }).spec.mode, "Reference");
});

Deno.test("an unknown mode, no resources, or a resource without kind is refused with its path", () => {
  assertEquals(errorPaths({ resources: SERVICES, mode: "Everything" }), ["spec.mode"]);
  assertEquals(errorPaths({ resources: [] }), ["spec.resources"]);
  assertEquals(errorPaths({ resources: [{ apiVersion: "v1" }] }), ["spec.resources[0].kind"]);
  assertEquals(errorPaths({ resources: [{ apiVersion: "not a version!", kind: "X" }] }), [
    "spec.resources[0].apiVersion",
  ]);
});

Deno.test("filters are validated as a Trigger's are", () => {
  assertEquals(
    errorPaths({ resources: SERVICES, filters: [{ exact: { type: "a" }, prefix: { type: "b" } }] }),
    [
      "spec.filters[0]",
    ],
  );
});

Deno.test("a source watches the listed kinds of its own namespace only", () => {
  const s = source({ resources: SERVICES });
  equal(watchesObject(s, service("a")), true);
  equal(watchesObject(s, service("a", {}, "other")), false);
  equal(watchesObject(s, { ...service("a"), kind: "Broker", apiVersion: "eventing.knative.dev/v1" }), false);
  equal(watchesObject(s, { ...service("a"), apiVersion: "serving.knative.dev/v2" }), false);
});

Deno.test("a resource selector limits the objects by label", () => {
  const s = source({ resources: [{ ...SERVICES[0], selector: { matchLabels: { app: "shop" } } }] });
  equal(watchesObject(s, service("a", { labels: { app: "shop" } })), true);
  equal(watchesObject(s, service("b", { labels: { app: "blog" } })), false);
});

Deno.test("an owner filter keeps objects whose controller is of that kind", () => {
  const s = source({
    resources: [{ apiVersion: "serving.knative.dev/v1", kind: "Revision" }],
    owner: { apiVersion: "serving.knative.dev/v1", kind: "Configuration" },
  });
  const revision = (controller: boolean): KObject => ({
    apiVersion: "serving.knative.dev/v1",
    kind: "Revision",
    metadata: {
      name: "fn-00001",
      namespace: "default",
      ownerReferences: [{
        apiVersion: "serving.knative.dev/v1",
        kind: "Configuration",
        name: "fn",
        controller,
      }],
    },
  });
  equal(watchesObject(s, revision(true)), true);
  equal(watchesObject(s, revision(false)), false);
});

Deno.test("an empty namespaceSelector watches every namespace, a labelled one none", () => {
  equal(
    watchesObject(source({ resources: SERVICES, namespaceSelector: {} }), service("a", {}, "other")),
    true,
  );
  const labelled = source({ resources: SERVICES, namespaceSelector: { matchLabels: { env: "prod" } } });
  equal(watchesObject(labelled, service("a")), false);
});

Deno.test("resource names are guessed as Kubernetes does", () => {
  assertEquals(["Service", "Broker", "Ingress", "Policy", "Gateway"].map(guessResource), [
    "services",
    "brokers",
    "ingresses",
    "policies",
    "gateways",
  ]);
  equal(selfLink(service("fn")), "/apis/serving.knative.dev/v1/namespaces/default/services/fn");
});

Deno.test("Resource mode sends the object with the resource event types", () => {
  const s = source({ resources: SERVICES, mode: "Resource", ceOverrides: { extensions: { team: "a" } } });
  const obj = service("fn");
  const types = (["ADDED", "MODIFIED", "DELETED"] as const).map((type) =>
    makeApiServerEvent(s, { type, object: obj }, ORIGIN, "id", NOW).type
  );
  assertEquals(types, [
    "dev.knative.apiserver.resource.add",
    "dev.knative.apiserver.resource.update",
    "dev.knative.apiserver.resource.delete",
  ]);
  const event = makeApiServerEvent(s, { type: "ADDED", object: obj }, ORIGIN, "id-1", NOW);
  assertEquals(event.data, obj);
  equal(event.source, ORIGIN);
  equal(event.subject, "/apis/serving.knative.dev/v1/namespaces/default/services/fn");
  equal(event.datacontenttype, "application/json");
  assertEquals(event.extensions, {
    apiversion: "serving.knative.dev/v1",
    kind: "Service",
    name: "fn",
    namespace: "default",
    team: "a",
  });
});

Deno.test("Reference mode sends a reference with the ref event types", () => {
  const s = source({ resources: SERVICES });
  const event = makeApiServerEvent(s, { type: "DELETED", object: service("fn") }, ORIGIN, "id", NOW);
  equal(event.type, "dev.knative.apiserver.ref.delete");
  assertEquals(event.data, {
    apiVersion: "serving.knative.dev/v1",
    kind: "Service",
    name: "fn",
    namespace: "default",
  });
});

Deno.test("a watched Secret's values are blanked in Resource mode events", () => {
  const s = source({ resources: [{ apiVersion: "v1", kind: "Secret" }], mode: "Resource" });
  const { secret } = parseSecret({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "creds", namespace: "default" },
    stringData: { password: "hunter2" },
  });
  const event = makeApiServerEvent(s, { type: "ADDED", object: secret }, ORIGIN, "id", NOW);
  assertEquals((event.data as KObject).data, { password: "" });
  assert(!JSON.stringify(event.data).includes(btoa("hunter2")));
});
