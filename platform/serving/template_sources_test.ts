import assert from "node:assert/strict";
import type { KObject } from "../resources/meta.ts";
import type { RevisionTemplate } from "../resources/service.ts";
import { sourcesDigest, sourcesOf } from "./template_sources.ts";

const template = {
  spec: {
    volumes: [{ name: "v", secret: { secretName: "tls" } }, { name: "c", configMap: { name: "app" } }],
    containers: [{ env: [{ name: "PW", valueFrom: { secretKeyRef: { name: "db", key: "pw" } } }] }],
  },
} as unknown as RevisionTemplate;

Deno.test("sourcesOf() finds the Secrets and ConfigMaps a template reads", () => {
  assert.deepEqual(sourcesOf(template), { secrets: ["db", "tls"], configMaps: ["app"] });
  assert.deepEqual(sourcesOf({ spec: { containers: [{}] } } as RevisionTemplate), {
    secrets: [],
    configMaps: [],
  });
});

Deno.test("sourcesDigest() changes with the sources' content, not with nothing", () => {
  const store = new Map<string, KObject>();
  const get = (kind: string, name: string) => store.get(`${kind}/${name}`);
  const sources = sourcesOf(template);
  const absent = sourcesDigest(sources, get);
  store.set("Secret/db", { data: { pw: btoa("1") } } as unknown as KObject);
  const one = sourcesDigest(sources, get);
  assert.notEqual(one, absent);
  assert.equal(sourcesDigest(sources, get), one);
  store.set("Secret/db", { data: { pw: btoa("2") } } as unknown as KObject);
  assert.notEqual(sourcesDigest(sources, get), one);
  assert.equal(sourcesDigest({ secrets: [], configMaps: [] }, get), undefined);
});
