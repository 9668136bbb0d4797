import { deepStrictEqual as assertEquals, equal, ok as assert } from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { encodeBase64Text, MAX_SECRET_BYTES, parseSecret, presentSecret, secretValue } from "./secret.ts";
import { secretKind } from "./secret_kind.ts";
import { resolveEnv } from "../serving/env.ts";
import { conformanceSuite } from "../../test/conformance.ts";

const DOCUMENTS = conformanceSuite("knative-yaml");

function doc(extra: Record<string, unknown>) {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "creds", namespace: "default" },
    ...extra,
  };
}

for (const file of ["secret-github-stringdata.yaml", "secret-postgresql-data.yaml"]) {
  DOCUMENTS.test(`the Knative document ${file} is accepted as it is`, () => {
    const yaml = parseYaml(DOCUMENTS.readText(file));
    const { errors, secret } = parseSecret({ ...yaml, metadata: { ...yaml.metadata, namespace: "default" } });
    assertEquals(errors, []);
    assert(Object.keys(secret.data).length >= 2);
    equal("stringData" in secret, false);
  });
}

Deno.test("stringData is base64-encoded into data and never kept as stringData", () => {
  const { secret, errors } = parseSecret(doc({ stringData: { token: "s3cret é" } }));
  assertEquals(errors, []);
  assertEquals(secret.data, { token: encodeBase64Text("s3cret é") });
  equal(secretValue(secret, "token"), "s3cret é");
  equal((secret as Record<string, unknown>).stringData, undefined);
  equal(secret.type, "Opaque");
});

Deno.test("a stringData key wins over the same key in data, as in Kubernetes", () => {
  const { secret } = parseSecret(
    doc({ data: { a: btoa("old"), b: btoa("kept") }, stringData: { a: "new" } }),
  );
  equal(secretValue(secret, "a"), "new");
  equal(secretValue(secret, "b"), "kept");
});

Deno.test("a data value that is not base64 is refused with its field path", () => {
  const { errors } = parseSecret(doc({ data: { good: btoa("x"), bad: "not base64!" } }));
  assertEquals(errors.map((e) => e.path), ["data.bad"]);
});

Deno.test("a key with characters Kubernetes refuses is named in the error", () => {
  const { errors } = parseSecret(doc({ stringData: { "a/b": "x" } }));
  equal(errors.length, 1);
  equal(errors[0].path, "stringData[a/b]");
  assert(errors[0].message.includes("alphanumeric"), errors[0].message);
});

Deno.test("a secret larger than one mebibyte is refused", () => {
  const { errors } = parseSecret(doc({ stringData: { big: "x".repeat(MAX_SECRET_BYTES + 1) } }));
  assertEquals(errors.map((e) => e.path), ["data"]);
});

Deno.test("what the API shows keeps the keys and blanks every value", () => {
  const { secret } = parseSecret(doc({
    metadata: {
      name: "creds",
      namespace: "default",
      annotations: { "kubectl.kubernetes.io/last-applied-configuration": '{"stringData":{"t":"clear"}}' },
    },
    stringData: { token: "clear-text" },
  }));
  const shown = presentSecret(secret);
  assertEquals(shown.data, { token: "" });
  assert(!JSON.stringify(shown).includes("clear"), JSON.stringify(shown));
  assert(!JSON.stringify(shown).includes(encodeBase64Text("clear-text")));
  equal(secretValue(secret, "token"), "clear-text", "the stored object keeps the value");
});

Deno.test("the secrets kind is served in the core group at v1", () => {
  const kind = secretKind();
  assertEquals([kind.group, kind.version, kind.plural, kind.kind], ["", "v1", "secrets", "Secret"]);
  const { object, errors } = kind.parse!(doc({ stringData: { k: "v" } }));
  assertEquals(errors, []);
  assertEquals(kind.present!(object).data, { k: "" });
});

Deno.test("a stored secret is readable by a Service's env secretKeyRef", () => {
  const { secret } = parseSecret(doc({ stringData: { webhookSecret: "hush" } }));
  const env = resolveEnv(
    [{ name: "WEBHOOK_SECRET", valueFrom: { secretKeyRef: { name: "creds", key: "webhookSecret" } } }],
    (name) => name === "creds" ? secret : undefined,
  );
  assertEquals(env, { WEBHOOK_SECRET: "hush" });
});
