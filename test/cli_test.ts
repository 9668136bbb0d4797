/**
 * The command-line client against the real platform: `deno task dn` run as a subprocess, as a user
 * runs it, with DENATIVE_ADMIN and DENATIVE_TOKEN pointing at a platform started on free ports.
 */
import assert from "node:assert/strict";
import { Platform, type Run, runDn } from "./harness.ts";

async function functionDir(parent: string, name: string, body: string): Promise<string> {
  const dir = `${parent}/${name}`;
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(
    `${dir}/main.ts`,
    `export default { fetch() { return new Response(${JSON.stringify(body)}); } };\n`,
  );
  return dir;
}

Deno.test("dn deploys, lists, splits traffic, applies and explains failures against a running platform", async (t) => {
  const tmp = await Deno.makeTempDir({ prefix: "denative-cli-test-" });
  const platform = await Platform.start({ functions: { hello: await functionDir(tmp, "v1/hello", "v1") } });
  const dn = (args: string[], stdin?: string): Promise<Run> => runDn(platform, args, stdin);

  const call = async (service: string, tag?: string) =>
    await (await platform.call(service, "/", { tag })).text();
  const url = `http://hello.default.localhost:${platform.port}`;

  try {
    await t.step(
      "dn deploy makes hello-00002 from a changed directory, and the URL answers the new code",
      async () => {
        const dir = await functionDir(tmp, "v2/hello", "v2");
        const r = await dn(["deploy", dir]);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(
          r.stdout,
          `Service 'hello' updated to latest revision 'hello-00002' is available at URL:\n${url}\n`,
        );
        assert.equal(await call("hello"), "v2");
      },
    );

    await t.step("dn deploy --name creates a new Service", async () => {
      const r = await dn(["deploy", await functionDir(tmp, "other", "fresh"), "--name", "fresh"]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stdout,
        /^Service 'fresh' created to latest revision 'fresh-00001' is available at URL:\n/,
      );
      assert.equal(await call("fresh"), "fresh");
    });

    await t.step("dn service list and describe show the Service, and -o json parses", async () => {
      const list = await dn(["service", "list"]);
      assert.equal(list.code, 0, list.stderr);
      assert.match(list.stdout, /^NAME\s+URL\s+LATEST\s+AGE\s+CONDITIONS\s+READY\s+REASON\n/);
      assert.match(
        list.stdout,
        new RegExp(`\\nhello\\s+${url}\\s+hello-00002\\s+\\S+\\s+3 OK / 3\\s+True\\n`),
      );
      const json = JSON.parse((await dn(["service", "list", "-o", "json"])).stdout);
      assert.equal(json.kind, "ServiceList");
      assert.deepEqual(json.items.map((s: { metadata: { name: string } }) => s.metadata.name).sort(), [
        "fresh",
        "hello",
      ]);
      const described = JSON.parse((await dn(["service", "describe", "hello", "-o", "json"])).stdout);
      assert.equal(described.status.latestReadyRevisionName, "hello-00002");
      const text = await dn(["service", "describe", "hello"]);
      assert.match(text.stdout, /100%\s+@latest \(hello-00002\) \[2\]/);
    });

    await t.step("dn service update splits traffic 50/50 with a tag and makes no new revision", async () => {
      const r = await dn([
        "service",
        "update",
        "hello",
        "--traffic",
        "hello-00001=50",
        "--traffic",
        "@latest=50",
        "--tag",
        "hello-00001=old",
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /with latest revision 'hello-00002' \(unchanged\)/);
      const svc = await platform.service("hello");
      assert.equal(svc.status?.latestCreatedRevisionName, "hello-00002");
      assert.deepEqual(
        svc.status?.traffic?.map((t) => [t.revisionName, t.percent, t.tag ?? ""]),
        [["hello-00002", 50, ""], ["hello-00001", 50, "old"]],
      );
      assert.equal(await call("hello", "old"), "v1");
    });

    await t.step("dn revision list shows each revision's traffic and tags", async () => {
      const r = await dn(["revision", "list", "-s", "hello"]);
      assert.equal(r.code, 0, r.stderr);
      const rows = r.stdout.trim().split("\n");
      assert.equal(rows.length, 3, r.stdout);
      assert.match(
        rows[0],
        /^NAME\s+SERVICE\s+TRAFFIC\s+TAGS\s+GENERATION\s+AGE\s+CONDITIONS\s+READY\s+REASON$/,
      );
      assert.match(rows[1], /^hello-00002\s+hello\s+50%\s+2\s/);
      assert.match(rows[2], /^hello-00001\s+hello\s+50%\s+old\s+1\s/);
    });

    await t.step("dn revision delete is refused while traffic targets the revision", async () => {
      const r = await dn(["revision", "delete", "hello-00001"]);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, "");
      assert.equal(r.stderr, 'dn: revision "hello-00001" still receives traffic from route "hello"\n');
    });

    await t.step("dn apply -f creates a Service from YAML, and again from stdin configures it", async () => {
      const image = (await platform.service("fresh")).spec.template.spec.containers as { image: string }[];
      const yaml = [
        "apiVersion: serving.knative.dev/v1",
        "kind: Service",
        "metadata:",
        "  name: applied",
        "spec:",
        "  template:",
        "    spec:",
        "      containerConcurrency: 3",
        "      containers:",
        `        - image: ${image[0].image}`,
        "",
      ].join("\n");
      await Deno.writeTextFile(`${tmp}/applied.yaml`, yaml);
      const created = await dn(["apply", "-f", `${tmp}/applied.yaml`]);
      assert.equal(created.code, 0, created.stderr);
      assert.equal(created.stdout, "Service/applied created\n");
      const again = await dn(["apply", "-f", "-"], yaml);
      assert.equal(again.stdout, "Service/applied configured\n");
      await platform.settled("applied");
      assert.equal(await call("applied"), "fresh");
    });

    await t.step("dn broker, trigger and source create objects that become Ready", async () => {
      for (
        const args of [
          ["broker", "create", "default"],
          [
            "trigger",
            "create",
            "greet",
            "--broker",
            "default",
            "--filter",
            "type=com.example.hi",
            "--sink",
            "ksvc:hello",
          ],
          [
            "source",
            "ping",
            "create",
            "tick",
            "--schedule",
            "0 0 1 1 *",
            "--data",
            "{}",
            "--sink",
            "broker:default",
          ],
        ]
      ) {
        const run = await dn(args);
        assert.equal(run.code, 0, run.stderr);
        assert.match(run.stdout, /successfully created/);
      }
      const ready = (doc: { status?: { conditions?: { type: string; status: string }[] } }) =>
        doc.status?.conditions?.find((c) => c.type === "Ready")?.status;
      const until = Date.now() + 10_000;
      let kinds: string[] = [];
      while (Date.now() < until) {
        const lists = await Promise.all(
          [["broker", "list"], ["trigger", "list"], ["source", "ping", "list"]].map(async (a) =>
            JSON.parse((await dn([...a, "-o", "json"])).stdout)
          ),
        );
        kinds = lists.map((l) => `${l.items[0]?.kind}:${ready(l.items[0])}`);
        if (kinds.every((k) => k.endsWith(":True"))) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.deepEqual(kinds, ["Broker:True", "Trigger:True", "PingSource:True"]);
    });

    await t.step("dn fails with a non-zero status and one line on stderr", async () => {
      const missing = await dn(["service", "describe", "ghost"]);
      assert.equal(missing.code, 1);
      assert.equal(missing.stderr, 'dn: Service "ghost" not found\n');
      const badSplit = await dn([
        "service",
        "update",
        "hello",
        "--traffic",
        "hello-00001=60",
        "--traffic",
        "@latest=50",
      ]);
      assert.equal(badSplit.code, 2);
      assert.match(
        badSplit.stderr,
        /^dn: --traffic percents add up to 110, they must add up to 100 \(see 'dn help service update'\)\n$/,
      );
      const invalid = await dn(
        ["apply", "-f", "-"],
        "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: Bad_Name}\n",
      );
      assert.equal(invalid.code, 1);
      assert.match(invalid.stderr, /^dn: Service\/Bad_Name: Service "Bad_Name" is invalid: .*\n$/);
    });
  } finally {
    await platform.stop();
    await Deno.remove(tmp, { recursive: true });
  }
});
