import { deepStrictEqual as assertEquals, equal } from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import type { Service } from "../../resources/service.ts";
import {
  bindsService,
  BOUND_BY_ANNOTATION,
  ceOverridesValue,
  parseSinkBinding,
  type SinkBinding,
  subjectSupported,
  withBindingEnv,
} from "./sink_binding.ts";
import { conformanceSuite } from "../../../test/conformance.ts";

const DOCUMENTS = conformanceSuite("knative-yaml");
const SINK = { ref: { apiVersion: "eventing.knative.dev/v1", kind: "Broker", name: "default" } };

function binding(subject: Record<string, unknown>, extra: Record<string, unknown> = {}): SinkBinding {
  const { binding, errors } = parseSinkBinding({
    apiVersion: "sources.knative.dev/v1",
    kind: "SinkBinding",
    metadata: { name: "bind", namespace: "default" },
    spec: { subject, sink: SINK, ...extra },
  });
  assertEquals(errors, []);
  return binding;
}

function service(
  name: string,
  env?: { name: string; value: string }[],
  annotations?: Record<string, string>,
) {
  return {
    apiVersion: "serving.knative.dev/v1",
    kind: "Service",
    metadata: {
      name,
      namespace: "default",
      labels: { app: "shop" },
      ...(annotations ? { annotations } : {}),
    },
    spec: {
      template: { spec: { containers: [{ image: "denative-bundle:sha256:ab", ...(env ? { env } : {}) }] } },
    },
  } as Service;
}

const KSVC = { apiVersion: "serving.knative.dev/v1", kind: "Service" };
const WANT = { binding: "bind", sinkUrl: "http://127.0.0.1:8080/broker/default/default", ceOverrides: "" };

for (const file of ["sinkbinding-ksvc-subject.yaml", "sinkbinding-deployment-selector.yaml"]) {
  DOCUMENTS.test(`the Knative document ${file} is accepted as it is`, () => {
    const yaml = parseYaml(DOCUMENTS.readText(file));
    const { errors } = parseSinkBinding({ ...yaml, metadata: { ...yaml.metadata, namespace: "default" } });
    assertEquals(errors, []);
  });
}

Deno.test("a subject needs exactly one of name and selector, in the binding's namespace", () => {
  const paths = (subject: Record<string, unknown>) =>
    parseSinkBinding({
      apiVersion: "sources.knative.dev/v1",
      kind: "SinkBinding",
      metadata: { name: "b", namespace: "default" },
      spec: { subject, sink: SINK },
    }).errors.map((e) => e.path);
  assertEquals(paths({ ...KSVC }), ["spec.subject"]);
  assertEquals(paths({ ...KSVC, name: "a", selector: {} }), ["spec.subject.selector"]);
  assertEquals(paths({ ...KSVC, name: "a", namespace: "other" }), ["spec.subject.namespace"]);
  assertEquals(paths({ kind: "Service", name: "a" }), ["spec.subject.apiVersion"]);
});

Deno.test("only Knative Services are supported subjects", () => {
  equal(subjectSupported(binding({ ...KSVC, name: "a" })), true);
  equal(subjectSupported(binding({ apiVersion: "apps/v1", kind: "Deployment", name: "a" })), false);
});

Deno.test("a binding targets a Service by name or by label selector", () => {
  equal(bindsService(binding({ ...KSVC, name: "fn" }), service("fn")), true);
  equal(bindsService(binding({ ...KSVC, name: "fn" }), service("other")), false);
  equal(bindsService(binding({ ...KSVC, selector: { matchLabels: { app: "shop" } } }), service("x")), true);
  equal(bindsService(binding({ ...KSVC, selector: { matchLabels: { app: "blog" } } }), service("x")), false);
  equal(
    bindsService(binding({ apiVersion: "apps/v1", kind: "Deployment", name: "fn" }), service("fn")),
    false,
  );
});

Deno.test("K_CE_OVERRIDES is the overrides as JSON, or empty", () => {
  equal(ceOverridesValue({ extensions: { team: "a" } }), '{"extensions":{"team":"a"}}');
  equal(ceOverridesValue(undefined), "");
});

Deno.test("binding adds K_SINK and K_CE_OVERRIDES after the Service's own env and marks it", () => {
  const next = withBindingEnv(service("fn", [{ name: "MODE", value: "x" }]), WANT)!;
  assertEquals(next.spec.template.spec.containers[0].env, [
    { name: "MODE", value: "x" },
    { name: "K_SINK", value: WANT.sinkUrl },
    { name: "K_CE_OVERRIDES", value: "" },
  ]);
  equal(next.metadata.annotations?.[BOUND_BY_ANNOTATION], "bind");
});

Deno.test("a bound Service that already has the env is left as it is", () => {
  const bound = withBindingEnv(service("fn"), WANT)!;
  equal(withBindingEnv(bound, WANT), undefined);
});

Deno.test("a new sink URL replaces the old K_SINK", () => {
  const bound = withBindingEnv(service("fn"), WANT)!;
  const moved = withBindingEnv(bound, { ...WANT, sinkUrl: "http://elsewhere.example/" })!;
  assertEquals(moved.spec.template.spec.containers[0].env?.map((e) => e.value), [
    "http://elsewhere.example/",
    "",
  ]);
});

Deno.test("unbinding removes the variables and the mark, keeping the rest", () => {
  const bound = withBindingEnv(service("fn", [{ name: "MODE", value: "x" }]), WANT)!;
  const unbound = withBindingEnv(bound, undefined)!;
  assertEquals(unbound.spec.template.spec.containers[0].env, [{ name: "MODE", value: "x" }]);
  equal(unbound.metadata.annotations, undefined);
});

Deno.test("a K_SINK the Service's owner set is kept when no binding marked the Service", () => {
  equal(withBindingEnv(service("fn", [{ name: "K_SINK", value: "http://mine/" }]), undefined), undefined);
});

Deno.test("the input Service is not changed", () => {
  const svc = service("fn");
  withBindingEnv(svc, WANT);
  equal(svc.spec.template.spec.containers[0].env, undefined);
});
