/**
 * `dn export` end to end: a running platform with the example functions and the danmaku documents is
 * exported; every document is checked against Knative's own CRD schemas (outside suite, read at run time),
 * and the exported entrypoints are started exactly as their Containerfiles say, as plain processes here.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import YAML from "yaml";
import { Ajv } from "ajv";
import { EXAMPLES, FIXTURES, Platform, runDn, tempDir } from "./harness.ts";
import { conformanceSuite } from "./conformance.ts";
import { RESOURCE_KINDS } from "../platform/cli/resource_kinds.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const CRDS = conformanceSuite("knative-crds");

async function dn(platform: Platform, args: string[], stdin?: string): Promise<string> {
  const run = await runDn(platform, args, stdin);
  assert.equal(run.code, 0, `dn ${args.join(" ")}: ${run.stderr}`);
  return run.stdout;
}

/** What a Containerfile says: working directory, environment and entrypoint. */
function readContainerfile(text: string) {
  const workdir = text.match(/^WORKDIR (.+)$/m)![1];
  const env: Record<string, string> = {};
  for (const m of text.matchAll(/^ENV ([A-Z_]+)=(.*)$/gm)) env[m[1]] = JSON.parse(m[2]);
  const entrypoint = JSON.parse(text.match(/^ENTRYPOINT (.+)$/m)![1]) as string[];
  return { workdir, env, entrypoint };
}

/** Starts a build context's entrypoint as its Containerfile would, with Knative's variables, on `port`. */
function runExported(context: string, service: string, port: number) {
  const { workdir, env, entrypoint } = readContainerfile(
    Deno.readTextFileSync(join(context, "Containerfile")),
  );
  const localEnv = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replace(workdir, context)]));
  const [command, ...args] = entrypoint;
  assert.equal(command, "deno");
  return new Deno.Command(Deno.execPath(), {
    args,
    cwd: context,
    clearEnv: true,
    env: {
      ...localEnv,
      PORT: String(port),
      K_SERVICE: service,
      K_CONFIGURATION: service,
      K_REVISION: `${service}-00001`,
      NO_COLOR: "1",
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function untilListening(port: number, child: Deno.ChildProcess) {
  for (let i = 0; i < 200; i++) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return;
    } catch {
      const exited = await Promise.race([child.status, new Promise((r) => setTimeout(() => r(null), 50))]);
      if (exited) throw new Error(`the entrypoint exited: ${JSON.stringify(exited)}`);
    }
  }
  throw new Error(`nothing listened on ${port}`);
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = l.addr.port;
  l.close();
  return port;
}

Deno.test("dn export: Knative documents and build contexts whose entrypoints serve as on Denative", async (t) => {
  const platform = await Platform.start({
    functions: {
      hello: `${EXAMPLES}/hello`,
      echo: `${EXAMPLES}/echo`,
      "danmaku-web": `${EXAMPLES}/danmaku-web`,
      "danmaku-processor": `${EXAMPLES}/danmaku-processor`,
      greeter: `${FIXTURES}/greeter`,
      slow: `${FIXTURES}/slow`,
    },
  });
  const out = await tempDir("denative-test-export-");
  try {
    await dn(platform, ["apply", "-f", `${ROOT}examples/danmaku.yaml`]);
    await dn(
      platform,
      ["apply", "-f", "-"],
      [
        "apiVersion: v1",
        "kind: Secret",
        "metadata: {name: gh}",
        "stringData: {secretToken: s3cret, accessToken: t0ken}",
      ].join("\n"),
    );
    // A Sequence makes channels and subscriptions of its own; Knative's controller makes them again.
    await dn(
      platform,
      ["apply", "-f", "-"],
      [
        "apiVersion: flows.knative.dev/v1",
        "kind: Sequence",
        "metadata: {name: greet-then-echo}",
        "spec:",
        "  channelTemplate: {apiVersion: messaging.knative.dev/v1, kind: InMemoryChannel}",
        "  steps:",
        "    - ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: greeter}",
        "    - ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: echo}",
        "---",
        "apiVersion: messaging.knative.dev/v1",
        "kind: Channel",
        "metadata: {name: orders}",
        "---",
        "apiVersion: messaging.knative.dev/v1",
        "kind: Subscription",
        "metadata: {name: orders-to-echo}",
        "spec:",
        "  channel: {apiVersion: messaging.knative.dev/v1, kind: Channel, name: orders}",
        "  subscriber: {ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: echo}}",
      ].join("\n"),
    );
    const said = await dn(platform, ["export", "-o", out, "--registry", "registry.example.com/team"]);
    assert.match(said, /Exported 6 Service\(s\)/);
    const documents = [...Deno.readDirSync(join(out, "manifests", "default"))].map((e) => e.name).sort();

    await t.step("every function and every danmaku object is exported; Secrets only by their keys", () => {
      for (const name of ["hello", "echo", "danmaku-web", "danmaku-processor", "greeter", "slow"]) {
        assert.ok(documents.includes(`service-${name}.yaml`), name);
        assert.ok(Deno.statSync(join(out, "build", "default", name, "Containerfile")).isFile);
      }
      for (
        const doc of [
          "kafkasink-danmaku-processed",
          "sinkbinding-danmaku-processor-sink",
          "kafkasource-danmaku-comments",
        ]
      ) {
        assert.ok(documents.includes(`${doc}.yaml`), doc);
      }
      const readme = Deno.readTextFileSync(join(out, "README.md"));
      assert.match(
        readme,
        /kubectl create secret generic gh -n default --from-literal=accessToken=\.\.\. --from-literal=secretToken=\.\.\./,
      );
      assert.match(readme, /kubectl apply -k \./);
      const all = [...Deno.readDirSync(join(out, "manifests", "default"))]
        .map((e) => Deno.readTextFileSync(join(out, "manifests", "default", e.name))).join("\n");
      assert.ok(
        !all.includes("s3cret") && !all.includes(btoa("s3cret")),
        "a secret value was exported",
      );
      const kustomization = YAML.parse(Deno.readTextFileSync(join(out, "kustomization.yaml")));
      assert.equal(kustomization.resources.length, documents.length);
      assert.equal(kustomization.images.length, 6);
    });

    await CRDS.step(t, "every exported document is valid against Knative's published CRD schema", () => {
      const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
      let checked = 0;
      for (const file of documents) {
        const doc = YAML.parse(Deno.readTextFileSync(join(out, "manifests", "default", file)));
        const [group, version] = doc.apiVersion.split("/");
        const kind = RESOURCE_KINDS.find((k) => k.kind === doc.kind);
        assert.ok(kind, `${file}: kind ${doc.kind}`);
        const crd = YAML.parse(CRDS.readText(`${kind.plural}.${group}.yaml`));
        const served = crd.spec.versions.find((v: { name: string }) => v.name === version);
        assert.ok(served, `${file}: Knative serves no ${doc.apiVersion} ${doc.kind}`);
        const validate = ajv.compile(served.schema.openAPIV3Schema);
        assert.ok(validate(doc), `${file}: ${JSON.stringify(validate.errors)}`);
        checked++;
      }
      assert.equal(checked, documents.length);
    });

    await t.step("hello, started as its Containerfile says, answers with its Knative revision", async () => {
      const port = freePort();
      const child = runExported(join(out, "build", "default", "hello"), "hello", port);
      try {
        await untilListening(port, child);
        const res = await fetch(`http://127.0.0.1:${port}/`);
        assert.equal(res.status, 200);
        assert.match(await res.text(), /hello-00001/);
      } finally {
        child.kill("SIGTERM");
        await child.output();
      }
    });

    await t.step("the CloudEvent handler replies with a CloudEvent", async () => {
      const port = freePort();
      const child = runExported(join(out, "build", "default", "greeter"), "greeter", port);
      try {
        await untilListening(port, child);
        const res = await fetch(`http://127.0.0.1:${port}/`, {
          method: "POST",
          headers: {
            "ce-specversion": "1.0",
            "ce-id": "1",
            "ce-source": "/test",
            "ce-type": "com.example.hello",
            "content-type": "application/json",
          },
          body: JSON.stringify({ name: "Ada" }),
        });
        assert.equal(res.status, 200);
        assert.equal(res.headers.get("ce-type"), "com.example.greeting");
        assert.equal(res.headers.get("ce-source"), "/greeter");
        assert.deepEqual(await res.json(), { text: "Hello, Ada!", revision: "greeter-00001" });
      } finally {
        child.kill("SIGTERM");
        await child.output();
      }
    });

    await t.step("SIGTERM lets an in-flight request finish, then the process exits 0", async () => {
      const port = freePort();
      const child = runExported(join(out, "build", "default", "slow"), "slow", port);
      await untilListening(port, child);
      const inFlight = fetch(`http://127.0.0.1:${port}/?ms=1500`);
      await new Promise((r) => setTimeout(r, 300));
      child.kill("SIGTERM");
      const res = await inFlight;
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { maxInFlight: 1, revision: "slow-00001" });
      const status = await child.output();
      assert.equal(status.code, 0, new TextDecoder().decode(status.stderr));
    });
  } finally {
    await platform.stop();
  }
});

Deno.test("dn export --from-dir needs no platform: the function directories become build contexts", async () => {
  const out = await tempDir("denative-test-export-dir-");
  const cli = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", `${ROOT}platform/cli/main.ts`, "export", "--from-dir", EXAMPLES, "-o", out],
    env: { NO_COLOR: "1", DENATIVE_ADMIN: "http://127.0.0.1:9" },
  }).output();
  assert.ok(cli.success, new TextDecoder().decode(cli.stderr));
  for (const name of ["hello", "echo", "danmaku-web", "danmaku-processor"]) {
    assert.ok(Deno.statSync(join(out, "build", "default", name, "Containerfile")).isFile, name);
    assert.ok(Deno.statSync(join(out, "manifests", "default", `service-${name}.yaml`)).isFile, name);
  }
  // danmaku-web's npm dependency was resolved into its context at export time.
  assert.ok(Deno.statSync(join(out, "build", "default", "danmaku-web", "deno_dir", "npm")).isDirectory);
});

/** Why `docker build` cannot run here, or undefined when it can. */
async function dockerUnavailable(): Promise<string | undefined> {
  const run = async (args: string[]) => {
    try {
      return (await new Deno.Command("docker", { args, stdout: "null", stderr: "null" }).output()).success;
    } catch {
      return false;
    }
  };
  if (!await run(["info"])) return "no Docker daemon answers `docker info`";
  const image = `denoland/deno:${Deno.version.deno}`;
  if (!await run(["image", "inspect", image])) return `the base image ${image} is not available locally`;
  return undefined;
}

const noDocker = await dockerUnavailable();
if (noDocker) console.warn(`skipping "docker build of an exported function": ${noDocker}`);

Deno.test({
  name: "docker build of an exported function",
  ignore: noDocker !== undefined,
  async fn() {
    const out = await tempDir("denative-test-export-docker-");
    const cli = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-all",
        `${ROOT}platform/cli/main.ts`,
        "export",
        "--from-dir",
        `${EXAMPLES}`,
        "-o",
        out,
      ],
    }).output();
    assert.ok(cli.success, new TextDecoder().decode(cli.stderr));
    const context = join(out, "build", "default", "hello");
    const tag = `denative-export-test-hello:${crypto.randomUUID().slice(0, 8)}`;
    const build = await new Deno.Command("docker", {
      args: ["build", "-q", "-t", tag, "-f", `${context}/Containerfile`, context],
    })
      .output();
    assert.ok(build.success, new TextDecoder().decode(build.stderr));
    await new Deno.Command("docker", { args: ["image", "rm", tag], stdout: "null", stderr: "null" }).output();
  },
});
