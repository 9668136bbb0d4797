/**
 * The real kubectl drives the real platform through the kubeconfig it writes (HTTPS on the API
 * port, private CA, admin token): discovery, apply (client- and server-side) of Knative's own
 * documents, tables with Knative's columns, wait, watch, patch, replace conflicts, namespaces,
 * secrets, explain and strict field validation.
 */
import assert from "node:assert/strict";
import YAML from "yaml";
import { eventually, EXAMPLES, Platform } from "./harness.ts";
import { conformanceSuite } from "./conformance.ts";

const KUBECTL = Deno.env.get("KUBECTL") ?? "kubectl";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** kubectl's discovery cache goes to a directory of the test's own, removed with `cleanup`. */
async function kubectlFor(platform: Platform) {
  const cacheDir = await Deno.makeTempDir({ prefix: "denative-kubectl-cache-" });
  const run = async (args: string[], stdin?: string): Promise<Run> => {
    const child = new Deno.Command(KUBECTL, {
      args: [`--cache-dir=${cacheDir}`, ...args],
      env: { KUBECONFIG: platform.kubeconfig },
      stdin: stdin === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    if (stdin !== undefined) {
      const w = child.stdin.getWriter();
      await w.write(new TextEncoder().encode(stdin));
      await w.close();
    }
    const out = await child.output();
    return {
      code: out.code,
      stdout: new TextDecoder().decode(out.stdout),
      stderr: new TextDecoder().decode(out.stderr),
    };
  };
  return Object.assign(run, {
    cacheDir,
    cleanup: () => Deno.remove(cacheDir, { recursive: true }),
  });
}

function ok(run: Run, what: string): string {
  assert.equal(run.code, 0, `${what} failed (${run.code}): ${run.stderr}${run.stdout}`);
  return run.stdout;
}

function serviceYaml(name: string, image: string, extra: Record<string, unknown> = {}) {
  return YAML.stringify({
    apiVersion: "serving.knative.dev/v1",
    kind: "Service",
    metadata: { name },
    spec: { template: { spec: { containers: [{ image }] } }, ...extra },
  });
}

/** Knative refuses these (see knative_documents_test.ts); they are not applied here. */
const REFUSED = new Set([
  "service-container-concurrency-no-containers.yaml",
  "trigger-rejected-exact-and-suffix-in-one-filter.yaml",
]);
/** Documents that name a revision another document creates go after it. */
const LATER = ["service-traffic-split.yaml", "service-tag-header-traffic-tag.yaml"];

const knativeYaml = conformanceSuite("knative-yaml");

knativeYaml.test("kubectl: apply -f of Knative's documents creates them; applying again changes nothing", async () => {
  const platform = await Platform.start();
  const kubectl = await kubectlFor(platform);
  try {
    const files = knativeYaml.files(".yaml").filter((f) => !REFUSED.has(f));
    const ordered = [...files.filter((f) => !LATER.includes(f)), ...LATER.filter((f) => files.includes(f))];
    assert.ok(ordered.length >= 30, `expected Knative's documents, found ${ordered.length}`);
    for (const file of ordered) {
      const out = ok(await kubectl(["apply", "-f", knativeYaml.path(file)]), `apply ${file}`);
      assert.match(out, / (created|configured)\n$/, `${file}: ${out}`);
    }
    // Documents sharing a kind and name with another one were changed by it: apply says configured.
    const keyOf = (f: string) => {
      const doc = YAML.parse(knativeYaml.readText(f));
      return `${doc.kind}/${doc.metadata.name}`;
    };
    const shared = new Set(ordered.map(keyOf).filter((k, i, all) => all.indexOf(k) !== i));
    for (const file of ordered) {
      const out = ok(await kubectl(["apply", "-f", knativeYaml.path(file)]), `apply ${file} again`);
      if (shared.has(keyOf(file))) continue;
      // A Secret's values never leave the platform (GET shows its keys with empty values), so
      // kubectl sends them again; every other document is unchanged.
      if (keyOf(file).startsWith("Secret/")) {
        assert.match(out, / (unchanged|configured)\n$/, `${file}: ${out}`);
      } else assert.match(out, / unchanged\n$/, `${file} should be unchanged: ${out}`);
    }
    const table = ok(await kubectl(["get", "ksvc"]), "get ksvc");
    assert.match(table.split("\n")[0], /^NAME\s+URL\s+LATESTCREATED\s+LATESTREADY\s+READY\s+REASON$/);
    const brokers = ok(await kubectl(["get", "brokers"]), "get brokers");
    assert.match(brokers.split("\n")[0], /^NAME\s+URL\s+AGE\s+READY\s+REASON\s+CLASS$/);
    const triggers = ok(await kubectl(["get", "triggers"]), "get triggers");
    assert.match(triggers.split("\n")[0], /^NAME\s+BROKER\s+SUBSCRIBER_URI\s+AGE\s+READY\s+REASON$/);
    const all = ok(await kubectl(["get", "knative", "-o", "name"]), "get knative");
    assert.match(all, /service\.serving\.knative\.dev\/hello/);
    assert.match(all, /broker\.eventing\.knative\.dev\/default/);
  } finally {
    await platform.stop();
    await kubectl.cleanup();
  }
});

Deno.test("kubectl: discovery, wait, watch, patches that move traffic, conflicts, namespaces, secrets, explain", async (t) => {
  const platform = await Platform.start();
  const kubectl = await kubectlFor(platform);
  try {
    const image = await platform.uploadBundle(`${EXAMPLES}/hello`);

    await t.step("api-resources lists Knative's kinds with their short names", async () => {
      const out = ok(await kubectl(["api-resources"]), "api-resources");
      assert.match(out, /^services\s+kservice,ksvc\s+serving\.knative\.dev\/v1\s+true\s+Service$/m);
      assert.match(out, /^revisions\s+rev\s+serving\.knative\.dev\/v1\s+true\s+Revision$/m);
      assert.match(out, /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
      assert.equal(ok(await kubectl(["auth", "can-i", "delete", "ksvc"]), "auth can-i").trim(), "yes");
      const version = ok(await kubectl(["version", "-o", "json"]), "version");
      assert.ok(JSON.parse(version).serverVersion.gitVersion);
    });

    await t.step("apply --server-side, then wait for Ready", async () => {
      const out = ok(
        await kubectl(["apply", "--server-side", "-f", "-"], serviceYaml("web", image)),
        "apply",
      );
      assert.match(out, /service\.serving\.knative\.dev\/web serverside-applied/);
      const waited = ok(
        await kubectl(["wait", "--for=condition=Ready", "ksvc/web", "--timeout=60s"]),
        "wait",
      );
      assert.match(waited, /service\.serving\.knative\.dev\/web condition met/);
      const table = ok(await kubectl(["get", "ksvc", "web"]), "get ksvc web");
      const [head, row] = table.trim().split("\n");
      assert.match(head, /^NAME\s+URL\s+LATESTCREATED\s+LATESTREADY\s+READY\s+REASON$/);
      assert.match(row, /^web\s+http:\/\/web\.default\.localhost:\d+\s+web-00001\s+web-00001\s+True\s*$/);
      const revs = ok(await kubectl(["get", "rev"]), "get rev").trim().split("\n");
      assert.match(
        revs[0],
        /^NAME\s+CONFIG NAME\s+GENERATION\s+READY\s+REASON\s+ACTUAL REPLICAS\s+DESIRED REPLICAS$/,
      );
      assert.match(revs[1], /^web-00001\s+web\s+1\s+True\s+\d+\s+\d+$/);
      // A second server-side apply of the same document is accepted and leaves the spec as it was.
      const before = await platform.service("web");
      ok(await kubectl(["apply", "--server-side", "-f", "-"], serviceYaml("web", image)), "apply again");
      const after = await platform.service("web");
      assert.equal(after.metadata.generation, before.metadata.generation);
      assert.deepEqual(after.spec, before.spec);
    });

    await t.step("get -o yaml round-trips through replace", async () => {
      const text = ok(await kubectl(["get", "ksvc", "web", "-o", "yaml"]), "get -o yaml");
      const doc = YAML.parse(text);
      assert.equal(doc.metadata.name, "web");
      assert.deepEqual(doc.spec.template.spec.containers, [{ image }]);
      assert.equal(doc.status.latestReadyRevisionName, "web-00001");
      ok(await kubectl(["replace", "-f", "-"], text), "replace with what get gave");
      const after = await platform.service("web");
      assert.equal(after.metadata.generation, doc.metadata.generation);
      assert.deepEqual(after.spec, doc.spec);
    });

    await t.step("a stale replace gets 409 Conflict", async () => {
      const stale = ok(await kubectl(["get", "ksvc", "web", "-o", "yaml"]), "get");
      ok(await kubectl(["label", "ksvc", "web", "team=blue"]), "label");
      const run = await kubectl(["replace", "-f", "-"], stale);
      assert.notEqual(run.code, 0);
      assert.match(run.stderr, /Conflict.*the object has been modified/);
    });

    await t.step("get -w prints a change made meanwhile", async () => {
      const child = new Deno.Command(KUBECTL, {
        args: [`--cache-dir=${kubectl.cacheDir}`, "get", "ksvc", "web", "-w", "--output-watch-events"],
        env: { KUBECONFIG: platform.kubeconfig },
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let seen = "";
      const readUntil = async (re: RegExp) => {
        while (!re.test(seen)) {
          const { value, done } = await lines.read();
          if (done) throw new Error(`kubectl get -w ended: ${seen}`);
          seen += value;
        }
      };
      try {
        await readUntil(/ADDED\s+web\s/);
        ok(await kubectl(["annotate", "ksvc", "web", "watched=yes"]), "annotate");
        await readUntil(/MODIFIED\s+web\s/);
      } finally {
        child.kill();
        await lines.cancel().catch(() => {});
        await child.stderr.cancel().catch(() => {});
        await child.status;
      }
    });

    await t.step("patch --type merge makes a revision and moves traffic; the route follows", async () => {
      ok(
        await kubectl([
          "patch",
          "ksvc",
          "web",
          "--type",
          "merge",
          "-p",
          JSON.stringify({
            spec: {
              template: { spec: { containers: [{ image, env: [{ name: "TARGET", value: "two" }] }] } },
            },
          }),
        ]),
        "patch template",
      );
      await eventually("web-00002 ready", async () => {
        const svc = await platform.service("web");
        return svc.status?.latestReadyRevisionName === "web-00002" ? svc : undefined;
      }, 60_000);
      ok(
        await kubectl([
          "patch",
          "ksvc",
          "web",
          "--type",
          "merge",
          "-p",
          JSON.stringify({ spec: { traffic: [{ revisionName: "web-00001", percent: 100 }] } }),
        ]),
        "patch traffic",
      );
      await eventually("the route sends everything to web-00001", async () => {
        const traffic = ok(
          await kubectl(["get", "route", "web", "-o", "jsonpath={.status.traffic[*].revisionName}"]),
          "get route",
        );
        if (traffic !== "web-00001") return undefined;
        const res = await platform.call("web");
        const body = await res.text();
        return body.includes("(web-00001)") ? body : undefined;
      });
    });

    await t.step("patch --type json", async () => {
      ok(
        await kubectl([
          "patch",
          "ksvc",
          "web",
          "--type",
          "json",
          "-p",
          JSON.stringify([{ op: "add", path: "/metadata/labels/tier", value: "front" }]),
        ]),
        "json patch",
      );
      const out = ok(await kubectl(["get", "ksvc", "-l", "tier=front", "-o", "name"]), "get -l");
      assert.equal(out.trim(), "service.serving.knative.dev/web");
      const bad = await kubectl([
        "patch",
        "ksvc",
        "web",
        "--type",
        "json",
        "-p",
        JSON.stringify([{ op: "test", path: "/metadata/labels/tier", value: "back" }]),
      ]);
      assert.notEqual(bad.code, 0);
    });

    await t.step("strict field validation refuses an unknown field; warn warns", async () => {
      const typo = serviceYaml("typo", image, { trafic: [] });
      const strict = await kubectl(["apply", "--validate=strict", "-f", "-"], typo);
      assert.notEqual(strict.code, 0);
      assert.match(strict.stderr, /unknown field "spec\.trafic"/);
      const warn = await kubectl(["apply", "--validate=warn", "-f", "-"], typo);
      ok(warn, "apply --validate=warn");
      assert.match(warn.stderr, /unknown field 'spec\.trafic'/);
      ok(await kubectl(["delete", "ksvc", "typo"]), "delete typo");
    });

    await t.step("delete -f removes", async () => {
      const doc = serviceYaml("gone", image);
      ok(await kubectl(["apply", "-f", "-"], doc), "apply");
      const out = ok(await kubectl(["delete", "-f", "-"], doc), "delete -f");
      assert.match(out, /service\.serving\.knative\.dev "gone" deleted/);
      const get = await kubectl(["get", "ksvc", "gone"]);
      assert.notEqual(get.code, 0);
      assert.match(get.stderr, /NotFound/);
    });

    await t.step(
      "create namespace and secret generic; deleting the namespace deletes what is in it",
      async () => {
        ok(await kubectl(["create", "namespace", "team-a"]), "create namespace");
        assert.match(ok(await kubectl(["get", "ns"]), "get ns"), /^team-a\s+Active\s/m);
        ok(
          await kubectl([
            "-n",
            "team-a",
            "create",
            "secret",
            "generic",
            "creds",
            "--from-literal=user=alice",
          ]),
          "secret",
        );
        ok(
          await kubectl(["-n", "team-a", "create", "configmap", "settings", "--from-literal=mode=fast"]),
          "configmap",
        );
        ok(
          await kubectl(["-n", "team-a", "apply", "-f", "-"], serviceYaml("inner", image)),
          "service in team-a",
        );
        const secret = JSON.parse(
          ok(await kubectl(["-n", "team-a", "get", "secret", "creds", "-o", "json"]), "get"),
        );
        assert.deepEqual(Object.keys(secret.data), ["user"]);
        assert.equal(secret.type, "Opaque");
        ok(await kubectl(["delete", "namespace", "team-a"]), "delete namespace");
        const left = ok(
          await kubectl(["get", "ksvc,secrets,configmaps", "-n", "team-a", "-o", "name"]),
          "get",
        );
        assert.equal(left.trim(), "");
        assert.doesNotMatch(ok(await kubectl(["get", "ns", "-o", "name"]), "get ns"), /team-a/);
      },
    );

    await t.step("explain ksvc.spec", async () => {
      const out = ok(await kubectl(["explain", "ksvc.spec"]), "explain");
      assert.match(out, /KIND:\s+Service/);
      assert.match(out, /template\s+<Object> -required-/);
      assert.match(out, /traffic\s+<\[\]Object>/);
      // Descriptions come from the zod schemas.
      assert.match(out, /How requests split between Revisions/);
      const deeper = ok(
        await kubectl(["explain", "ksvc.spec.template.spec.containerConcurrency"]),
        "explain",
      );
      assert.match(deeper, /<integer>/);
    });

    await t.step("explain and strict field validation of eventing kinds", async () => {
      const broker = ok(await kubectl(["explain", "broker.spec"]), "explain broker.spec");
      assert.match(broker, /KIND:\s+Broker/);
      assert.match(broker, /delivery\s+<Object>/);
      assert.match(broker, /Delivery settings for every Trigger of this broker/);
      const filter = ok(await kubectl(["explain", "trigger.spec.filter"]), "explain trigger.spec.filter");
      assert.match(filter, /KIND:\s+Trigger/);
      assert.match(filter, /Selects events by exact attribute values/);
      assert.match(filter, /attributes\s+<map\[string\]string>/);
      const trigger = (spec: Record<string, unknown>) =>
        YAML.stringify({
          apiVersion: "eventing.knative.dev/v1",
          kind: "Trigger",
          metadata: { name: "typo" },
          spec: { broker: "default", subscriber: { uri: "http://example.com/" }, ...spec },
        });
      const strict = await kubectl(["apply", "--validate=strict", "-f", "-"], trigger({ filtre: {} }));
      assert.notEqual(strict.code, 0, strict.stdout);
      assert.match(strict.stderr, /unknown field "spec\.filtre"/);
      // The same document without the typo is accepted.
      ok(await kubectl(["apply", "--validate=strict", "-f", "-"], trigger({})), "apply trigger");
      ok(await kubectl(["delete", "trigger", "typo"]), "delete trigger");
    });
  } finally {
    await platform.stop();
    await kubectl.cleanup();
  }
});
