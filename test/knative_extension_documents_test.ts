/**
 * Every document of the outside suite `knative-yaml-extensions` (real samples from eventing-rabbitmq,
 * eventing-natss, eventing-redis and Knative's docs) is accepted as Knative accepts it, and each
 * `*-rejected-*` one is refused naming the field Knative names. The documents are read at run time,
 * never copied into the repository; each goes through the kind's parser as the admin API uses it.
 */
import assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { conformanceSuite } from "./conformance.ts";
import { apiVersionOf, KindRegistry } from "../platform/resources/kinds.ts";
import { EXTENSION_KINDS } from "../platform/extension_kinds.ts";

const suite = conformanceSuite("knative-yaml-extensions");

/** The field each refused document must be refused for (the path Knative names, or the closest one). */
const REFUSED: Record<string, string> = {
  // Both `optStartSeq` fields are refused; the CRD's schema names each.
  "natsjetstreamchannel-rejected-crd-reference.yaml": "spec.stream.config.mirror.optStartSeq",
  "rabbitmqsource-rejected-name-and-connection-secret.yaml": "spec.rabbitmqClusterReference.connectionSecret",
  "subscription-rejected-no-channel.yaml": "spec.channel",
  "subscription-rejected-placeholder-names.yaml": "metadata.name",
};

const registry = new KindRegistry();
registry.register(...EXTENSION_KINDS());

function load(file: string): Record<string, unknown> {
  const doc = parseYaml(suite.readText(file)) as Record<string, unknown>;
  const metadata = { namespace: "default", ...(doc.metadata as Record<string, unknown>) };
  return { ...doc, metadata };
}

if (suite.presentOrSkip("Knative extension documents")) {
  const files = suite.files(".yaml");
  Deno.test("the suite has a document of every kind and a refusal case per refused file", () => {
    assert.ok(files.length >= 27, `${files.length} documents`);
    for (const refused of Object.keys(REFUSED)) assert.ok(files.includes(refused), refused);
  });
  for (const file of files) {
    const doc = load(file);
    Deno.test({
      name: `knative-yaml-extensions/${file} is ${REFUSED[file] ? "refused naming its field" : "accepted"}`,
      fn: () => {
        const kind = registry.byKind(String(doc.apiVersion), String(doc.kind));
        assert.ok(kind?.parse, `${doc.apiVersion} ${doc.kind} is served`);
        assert.equal(apiVersionOf(kind), doc.apiVersion);
        const { errors } = kind.parse(structuredClone(doc));
        const expected = REFUSED[file];
        if (expected) {
          assert.ok(errors.length > 0, "refused");
          assert.ok(
            errors.some((e) => e.path === expected),
            `refused naming ${expected}: ${JSON.stringify(errors)}`,
          );
        } else {
          assert.deepEqual(errors, []);
        }
      },
    });
  }
}
