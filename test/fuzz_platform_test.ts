/**
 * Fuzzing the real platform over HTTP (property-based, fast-check): admin API documents of every
 * kind, CloudEvents to a Broker's ingress in every content mode, and GitHub webhooks. Whatever comes
 * in: never a 5xx, the platform stays up and healthy, and every object it stored still passes its
 * kind's validation. Run count: `FUZZ_RUNS` (see test/fuzz/fuzz_runs.ts).
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { stringify as toYaml } from "yaml";
import { Platform } from "./harness.ts";
import { fuzzParams } from "./fuzz/fuzz_runs.ts";
import { apiVersionOf, type KindInfo } from "../platform/resources/kinds.ts";
import { servingKinds } from "../platform/resources/serving_registry.ts";
import { autoscalingTemplateValidator } from "../platform/autoscaler/template_validator.ts";
import { DEFAULT_AUTOSCALER_DEFAULTS } from "../platform/autoscaler/autoscaling_spec.ts";
import { configMapKind, namespaceKind } from "../platform/resources/core_kinds.ts";
import { EXTENSION_KINDS } from "../platform/extension_kinds.ts";
import { signatureHeader } from "../platform/eventing/sources/github_signature.ts";

const KINDS: KindInfo[] = [
  ...servingKinds(autoscalingTemplateValidator(DEFAULT_AUTOSCALER_DEFAULTS)),
  namespaceKind(),
  configMapKind(),
  ...EXTENSION_KINDS(),
];

function collectionPath(k: KindInfo, namespace = "default"): string {
  const root = k.group ? `/apis/${k.group}/${k.version}` : `/api/${k.version}`;
  return k.clusterScoped ? `${root}/${k.plural}` : `${root}/namespaces/${namespace}/${k.plural}`;
}

// Field names Knative's documents use, so generated specs reach past the first "unknown field".
const FIELDS = [
  "template",
  "spec",
  "metadata",
  "containers",
  "image",
  "env",
  "name",
  "value",
  "traffic",
  "percent",
  "revisionName",
  "latestRevision",
  "tag",
  "broker",
  "filter",
  "filters",
  "attributes",
  "subscriber",
  "ref",
  "uri",
  "sink",
  "schedule",
  "data",
  "contentType",
  "delivery",
  "retry",
  "backoffPolicy",
  "backoffDelay",
  "deadLetterSink",
  "channelTemplate",
  "steps",
  "reply",
  "branches",
  "annotations",
  "labels",
  "apiVersion",
  "kind",
  "namespace",
  "timeoutSeconds",
  "containerConcurrency",
  "exact",
  "prefix",
  "suffix",
  "all",
  "any",
  "not",
  "cesql",
  "secretKeyRef",
  "key",
  "eventTypes",
  "ownerAndRepository",
  "mode",
  "resources",
  "subject",
  "selector",
  "matchLabels",
  "stringData",
  "type",
  "topics",
  "bootstrapServers",
  "consumerGroup",
  "address",
];
const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom("", "default", "hello", "http://127.0.0.1:1/x", "*/1 * * * *", "-1", "1e309", "Service"),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const { value: jsonish } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalar, tie("array"), tie("object")),
  array: fc.array(tie("value"), { maxLength: 3 }),
  object: fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 8 })), tie("value"), {
    maxKeys: 4,
  }),
}));
const objectName = fc.oneof(
  fc.constantFrom("fuzz", "a", "hello-world", "default"),
  fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/),
  fc.string({ maxLength: 70 }),
);

/** A document for one kind: its apiVersion/kind, a name, and a generated body (or deliberate damage). */
const document = fc.record({
  kind: fc.constantFrom(...KINDS.filter((k) => !k.readOnly)),
  name: objectName,
  body: fc.dictionary(fc.constantFrom("spec", "data", "stringData", "type", "status", "extra"), jsonish, {
    maxKeys: 3,
  }),
  metadata: fc.dictionary(
    fc.constantFrom("labels", "annotations", "namespace", "generation", "uid"),
    jsonish,
    {
      maxKeys: 2,
    },
  ),
  damage: fc.constantFrom("none", "none", "none", "kind", "apiVersion", "metadata", "notObject"),
  method: fc.constantFrom("PUT", "POST", "PATCH"),
  format: fc.constantFrom("json", "json", "yaml", "garbage"),
});

Deno.test("fuzz: the platform answers bad input with 4xx, stays up, and stores only valid objects", async (t) => {
  const platform = await Platform.start();
  const serverErrors: string[] = [];
  const statuses: Record<string, number> = {};
  const note = (what: string, res: Response, text: string) => {
    const key = `${what.split(" ")[0]} ${res.status}`;
    statuses[key] = (statuses[key] ?? 0) + 1;
    if (res.status >= 500) serverErrors.push(`${what}: ${res.status} ${text.slice(0, 300)}`);
  };
  try {
    await t.step("admin API documents of every kind", async () => {
      await fc.assert(
        fc.asyncProperty(document, async (d) => {
          const { kind } = d;
          let doc: unknown = {
            apiVersion: apiVersionOf(kind),
            kind: kind.kind,
            metadata: { ...d.metadata, name: d.name },
            ...d.body,
          };
          if (d.damage === "kind") doc = { ...(doc as object), kind: "Nope" };
          if (d.damage === "apiVersion") doc = { ...(doc as object), apiVersion: 7 };
          if (d.damage === "metadata") doc = { ...(doc as object), metadata: "x" };
          if (d.damage === "notObject") doc = [doc];
          const body = d.format === "yaml"
            ? toYaml(doc)
            : d.format === "garbage"
            ? JSON.stringify(doc).slice(0, -3)
            : JSON.stringify(doc);
          const contentType = d.method === "PATCH"
            ? "application/merge-patch+json"
            : d.format === "yaml"
            ? "application/yaml"
            : "application/json";
          const path = d.method === "POST"
            ? collectionPath(kind)
            : `${collectionPath(kind)}/${encodeURIComponent(d.name)}`;
          const res = await platform.admin(path, {
            method: d.method,
            body,
            headers: { "content-type": contentType },
          });
          note(`${d.method} ${path} ${body}`, res, await res.text());
        }),
        fuzzParams(300),
      );
    });

    await t.step("CloudEvents over HTTP to a Broker, every content mode", async () => {
      await platform.adminJson(collectionPath(KINDS.find((k) => k.kind === "Broker")!), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          apiVersion: "eventing.knative.dev/v1",
          kind: "Broker",
          metadata: { name: "zz-fuzz-target" },
        }),
      });
      const ingress = `http://127.0.0.1:${platform.port}/broker/default/zz-fuzz-target`;
      await eventually(async () => (await fetch(ingress, { method: "OPTIONS" }).then(drain)) === 200);
      await fc.assert(
        fc.asyncProperty(cloudEventRequest, async ({ headers, body }) => {
          const res = await fetch(ingress, { method: "POST", headers, body });
          note(`POST ${JSON.stringify(headers)} ${body}`, res, await res.text());
        }),
        fuzzParams(300),
      );
    });

    await t.step("GitHub webhooks, signed and not", async () => {
      await platform.adminJson("/api/v1/namespaces/default/secrets", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          apiVersion: "v1",
          kind: "Secret",
          metadata: { name: "zz-fuzz-gh" },
          stringData: { secretToken: "s3cret", accessToken: "unused" },
        }),
      });
      await platform.adminJson("/apis/sources.knative.dev/v1alpha1/namespaces/default/githubsources", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          apiVersion: "sources.knative.dev/v1alpha1",
          kind: "GitHubSource",
          metadata: { name: "zz-fuzz-gh" },
          spec: {
            ownerAndRepository: "o/r",
            eventTypes: ["issues", "push", "pull_request"],
            accessToken: { secretKeyRef: { name: "zz-fuzz-gh", key: "accessToken" } },
            secretToken: { secretKeyRef: { name: "zz-fuzz-gh", key: "secretToken" } },
            sink: { ref: { apiVersion: "eventing.knative.dev/v1", kind: "Broker", name: "zz-fuzz-target" } },
          },
        }),
      });
      const hook = `http://127.0.0.1:${platform.port}/webhooks/github/default/zz-fuzz-gh`;
      await eventually(async () => {
        const res = await fetch(hook, { method: "POST", body: "{}" });
        await res.body?.cancel();
        return res.status === 400;
      });
      await fc.assert(
        fc.asyncProperty(gitHubDelivery, async (d) => {
          const body = new TextEncoder().encode(d.body);
          const headers: Record<string, string> = { ...d.headers };
          if (d.sign) headers["x-hub-signature-256"] = await signatureHeader(d.secret, body);
          const res = await fetch(hook, { method: "POST", headers, body });
          note(`webhook ${JSON.stringify(headers)} ${d.body}`, res, await res.text());
        }),
        fuzzParams(200),
      );
    });

    await t.step("code bundle uploads", async () => {
      const file = fc.record({
        path: fc.oneof(fc.string(), fc.constantFrom("main.ts", "../x", "/etc/passwd", "a//b")),
        data: fc.oneof(fc.base64String(), fc.string(), fc.jsonValue()),
      }, { requiredKeys: [] });
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.jsonValue().map((v) => JSON.stringify(v)),
            fc.array(fc.oneof(file, fc.jsonValue()), { maxLength: 3 }).map((files) =>
              JSON.stringify({ files })
            ),
            fc.string(),
          ),
          async (body) => {
            const res = await platform.admin("/bundles", {
              method: "POST",
              body,
              headers: { "content-type": "application/json" },
            });
            note(`bundle ${body}`, res, await res.text());
          },
        ),
        fuzzParams(200),
      );
    });

    await t.step("every stored object still passes its kind's validation", async () => {
      const healthy = await fetch(`http://127.0.0.1:${platform.adminPort}/healthz`);
      assert.equal(healthy.status, 200, await healthy.text());
      for (const kind of KINDS) {
        if (!kind.parse || kind.kind === "Secret") continue; // GET hides a Secret's values
        const list = await platform.adminJson<{ items: Record<string, unknown>[] }>(collectionPath(kind));
        for (const item of list.items) {
          const { errors } = kind.parse(item);
          assert.deepEqual(errors, [], `stored ${kind.kind} ${JSON.stringify(item)}`);
        }
      }
    });
    console.log("answers by request kind and status:", JSON.stringify(statuses));
    assert.deepEqual(serverErrors, []);
    assert.doesNotMatch(platform.logs, /admin API error|Uncaught|panicked/);
  } finally {
    await platform.stop();
  }
});

const ceText = fc.oneof(
  fc.string({ maxLength: 16 }),
  fc.constantFrom("1.0", "0.3", "/s", "https://x/y", "2024-01-01T00:00:00Z", "%ZZ", "%C3%A9", "a b"),
);
const ceName = fc.oneof(
  fc.constantFrom(
    "specversion",
    "id",
    "source",
    "type",
    "subject",
    "time",
    "dataschema",
    "myext",
    "Bad_",
    "",
  ),
  fc.stringMatching(/^[a-z0-9]{1,10}$/),
);
const cloudEventRequest = fc.record({
  ce: fc.dictionary(ceName, ceText, { maxKeys: 6 }),
  base: fc.boolean(),
  contentType: fc.option(
    fc.oneof(
      fc.constantFrom(
        "application/cloudevents+json",
        "application/cloudevents-batch+json",
        "application/json",
        "text/plain",
        "application/cloudevents+avro",
      ),
      fc.stringMatching(/^[\x20-\x7e]{0,20}$/),
    ),
  ),
  body: fc.oneof(
    fc.dictionary(ceName, fc.oneof(ceText, fc.jsonValue()), { maxKeys: 6 }).map((o) =>
      JSON.stringify({ specversion: "1.0", id: "1", source: "/s", type: "t", ...o })
    ),
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.string({ maxLength: 40 }),
  ),
}).map(({ ce, base, contentType, body }) => {
  const headers: Record<string, string> = {};
  if (base) {
    Object.assign(headers, { "ce-specversion": "1.0", "ce-id": "1", "ce-source": "/s", "ce-type": "t" });
  }
  for (const [k, v] of Object.entries(ce)) {
    if (/^[\x20-\x7e]*$/.test(v)) headers[`ce-${k}`] = v;
  }
  if (contentType !== null) headers["content-type"] = contentType;
  return { headers, body };
});

const gitHubDelivery = fc.record({
  headers: fc.record({
    "x-github-event": fc.oneof(
      fc.constantFrom("issues", "push", "pull_request", "ping", "release", ""),
      fc.stringMatching(/^[\x21-\x7e]{0,12}$/),
    ),
    "x-github-delivery": fc.stringMatching(/^[\x21-\x7e]{0,20}$/),
    "content-type": fc.constantFrom("application/json", "application/x-www-form-urlencoded", "text/plain"),
  }, { requiredKeys: [] }),
  body: fc.oneof(
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.record({
      action: fc.string({ maxLength: 8 }),
      repository: fc.oneof(fc.record({ html_url: fc.string(), full_name: fc.string() }), fc.jsonValue()),
      issue: fc.oneof(fc.record({ number: fc.oneof(fc.integer(), fc.string()) }), fc.jsonValue()),
      pull_request: fc.jsonValue(),
      ref: fc.jsonValue(),
      after: fc.jsonValue(),
    }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
    fc.jsonValue().map((v) => `payload=${encodeURIComponent(JSON.stringify(v))}`),
    fc.string({ maxLength: 40 }),
  ),
  sign: fc.boolean(),
  secret: fc.constantFrom("s3cret", "s3cret", "wrong"),
});

async function drain(res: Response): Promise<number> {
  await res.body?.cancel();
  return res.status;
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > until) throw new Error("timed out waiting for the platform");
    await new Promise((r) => setTimeout(r, 50));
  }
}
