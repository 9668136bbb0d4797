import assert from "node:assert/strict";
import { allFlags, type CliIo, findCommand, runCli } from "./cli.ts";
import { COMMANDS } from "./commands/mod.ts";
import { GLOBAL_FLAGS } from "./global_flags.ts";
import type { FetchFn } from "./admin_client.ts";

/** A fake admin API: objects by path, collections listed by prefix, Kubernetes Status errors. */
function fakeApi(objects: Record<string, Record<string, unknown>> = {}) {
  const calls: { method: string; path: string; body?: unknown }[] = [];
  const status = (code: number, message: string) =>
    Response.json({ kind: "Status", code, message }, { status: code });
  const fetch: FetchFn = (url, init) => {
    const path = new URL(url).pathname;
    const method = init.method ?? "GET";
    const body = init.body ? JSON.parse(init.body as string) : undefined;
    calls.push({ method, path, body });
    if (new Headers(init.headers).get("authorization") !== "Bearer secret") {
      return Promise.resolve(status(401, "missing or wrong bearer token"));
    }
    if (path.includes("/eventing.knative.dev/v1alpha1/")) {
      return Promise.resolve(
        status(404, 'the server does not serve "kafkasinks" in eventing.knative.dev/v1alpha1'),
      );
    }
    const name = path.split("/").at(-1)!;
    if (method === "GET") {
      if (objects[path]) return Promise.resolve(Response.json(objects[path]));
      const items = Object.entries(objects).filter(([p]) => p.startsWith(`${path}/`)).map(([, o]) => o);
      if (/\/(services|revisions|routes|brokers|triggers|pingsources)$/.test(path)) {
        return Promise.resolve(Response.json({ kind: "List", items }));
      }
      return Promise.resolve(status(404, `"${name}" not found`));
    }
    if (method === "PUT") {
      const existed = path in objects;
      objects[path] = body;
      return Promise.resolve(Response.json(body, { status: existed ? 200 : 201 }));
    }
    if (method === "POST") {
      const full = `${path}/${body.metadata.name}`;
      if (objects[full]) return Promise.resolve(status(409, `"${body.metadata.name}" already exists`));
      objects[full] = body;
      return Promise.resolve(Response.json(body, { status: 201 }));
    }
    if (method === "DELETE") {
      if (!objects[path]) return Promise.resolve(status(404, `"${name}" not found`));
      delete objects[path];
      return Promise.resolve(status(200, "deleted"));
    }
    return Promise.resolve(status(405, "no"));
  };
  return { calls, fetch, objects };
}

async function dn(args: string[], fetch?: FetchFn, stdin = "") {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    readStdin: () => Promise.resolve(stdin),
    env: { DENATIVE_ADMIN: "http://admin.test", DENATIVE_TOKEN: "secret" },
    fetch,
    now: () => new Date("2024-01-01T00:05:00Z"),
  };
  const code = await runCli(args, io);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const svcPath = "/apis/serving.knative.dev/v1/namespaces/default/services";

Deno.test("every command path is unique and every flag name means one thing", () => {
  const paths = COMMANDS.map((c) => c.path.join(" "));
  assert.equal(new Set(paths).size, paths.length);
  const seen = new Map<string, string>();
  for (const f of COMMANDS.flatMap((c) => c.flags ?? [])) {
    const shape = `${f.type ?? "string"} ${f.short ?? ""} ${f.multiple ?? false}`;
    assert.equal(seen.get(f.name) ?? shape, shape, `--${f.name} is declared differently by two commands`);
    seen.set(f.name, shape);
  }
  // A letter may mean a boolean for one command and take a value for another (`-f`: apply's file,
  // logs' follow), as in kubectl: each command's own flags decide (see the test below).
  assert.ok(allFlags().some((f) => f.short === "f"));
  for (const c of COMMANDS) {
    const own = [...GLOBAL_FLAGS, ...(c.flags ?? [])].filter((f) => f.short).map((f) => f.short);
    assert.equal(new Set(own).size, own.length, `dn ${c.path.join(" ")} uses a letter twice`);
  }
});

Deno.test("-f is a boolean for dn logs and takes a file for dn apply, wherever it stands", async () => {
  const seen: string[] = [];
  const fetch: FetchFn = (url) => {
    seen.push(url);
    return Promise.resolve(new Response("", { status: 200 }));
  };
  for (const args of [["logs", "hello", "-f"], ["logs", "-f", "hello"]]) {
    const run = await dn(args, fetch);
    assert.equal(run.code, 0, run.err);
    assert.match(seen.at(-1)!, /\/logs\/namespaces\/default\/services\/hello\?follow=true$/);
  }
  const apply = await dn(["apply", "-f", "/nonexistent/x.yaml"], fetch);
  assert.match(apply.err, /x\.yaml/);
});

Deno.test("findCommand() accepts kn's aliases and leaves the arguments", () => {
  assert.deepEqual(findCommand(["ksvc", "ls"])?.command.path, ["service", "list"]);
  assert.deepEqual(findCommand(["source", "ping", "create", "tick"])?.args, ["tick"]);
  assert.equal(findCommand(["nope"]), undefined);
});

Deno.test("dn --help and dn help COMMAND print usage and exit 0", async () => {
  const top = await dn(["--help"]);
  assert.equal(top.code, 0);
  assert.match(top.out, /Usage: dn COMMAND/);
  assert.match(top.out, /deploy DIR/);
  const update = await dn(["help", "service", "update"]);
  assert.equal(update.code, 0);
  assert.match(update.out, /Usage: dn service update NAME \[flags\]/);
  assert.match(update.out, /--traffic REF=PCT/);
  assert.match((await dn(["source", "--help"])).out, /ping \.\.\./);
  assert.match((await dn(["trigger", "create", "-h"])).out, /--filter ATTR=VALUE/);
});

Deno.test("dn refuses a bad command line with one line and exit 2", async () => {
  for (
    const [args, want] of [
      [["frobnicate"], /unknown command "frobnicate"/],
      [["service", "list", "--traffic", "a=1"], /unknown flag: --traffic \(see 'dn help service list'\)/],
      [["service", "list", "--bogus"], /unknown flag: --bogus \(see 'dn help service list'\)/],
      [["service", "describe"], /missing NAME/],
      [["service", "list", "-o", "xml"], /-o xml: want json or yaml/],
      [["service", "update", "hello"], /nothing to update/],
    ] as [string[], RegExp][]
  ) {
    const r = await dn(args, fakeApi().fetch);
    assert.equal(r.code, 2, args.join(" "));
    assert.match(r.err, want);
    assert.equal(r.err.split("\n").length, 1);
  }
});

Deno.test("dn service list prints a table, and -o json the raw list", async () => {
  const api = fakeApi({
    [`${svcPath}/hello`]: {
      apiVersion: "serving.knative.dev/v1",
      kind: "Service",
      metadata: { name: "hello", namespace: "default", creationTimestamp: "2024-01-01T00:00:00Z" },
      status: {
        url: "http://hello.default.localhost:8080",
        latestReadyRevisionName: "hello-00001",
        conditions: [{ type: "Ready", status: "True" }],
      },
    },
  });
  const table = await dn(["service", "list"], api.fetch);
  assert.equal(table.code, 0);
  assert.equal(
    table.out,
    [
      "NAME    URL                                   LATEST        AGE   CONDITIONS   READY   REASON",
      "hello   http://hello.default.localhost:8080   hello-00001   5m    1 OK / 1     True",
    ].join("\n"),
  );
  const json = JSON.parse((await dn(["service", "list", "-o", "json"], api.fetch)).out);
  assert.equal(json.items[0].metadata.name, "hello");
  assert.equal(
    (await dn(["service", "list", "-n", "other"], api.fetch)).out,
    "No services found in namespace 'other'.",
  );
});

Deno.test("dn reports the API's message in one line with exit 1", async () => {
  const r = await dn(["service", "delete", "ghost"], fakeApi().fetch);
  assert.equal(r.code, 1);
  assert.equal(r.err, 'dn: "ghost" not found');
  const unauthorized = await dn(["service", "list", "--token", "wrong"], fakeApi().fetch);
  assert.equal(unauthorized.code, 1);
  assert.match(unauthorized.err, /^dn: missing or wrong bearer token$/);
});

Deno.test("dn apply -f - PUTs each document at its kind's path and says what happened", async () => {
  const api = fakeApi();
  const yaml = [
    "apiVersion: serving.knative.dev/v1",
    "kind: Service",
    "metadata: {name: a}",
    "spec: {template: {spec: {containers: [{image: x}]}}}",
    "---",
    "apiVersion: v1",
    "kind: Secret",
    "metadata: {name: s, namespace: prod}",
    "stringData: {k: v}",
  ].join("\n");
  const r = await dn(["apply", "-f", "-"], api.fetch, yaml);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, "Service/a created\nSecret/s created");
  assert.deepEqual(api.calls.map((c) => `${c.method} ${c.path}`), [
    `PUT ${svcPath}/a`,
    "PUT /api/v1/namespaces/prod/secrets/s",
  ]);
  assert.equal(
    (await dn(["apply", "-f", "-"], api.fetch, yaml)).out,
    "Service/a configured\nSecret/s configured",
  );
});

Deno.test("dn apply reports each failing document and exits 1", async () => {
  const docs =
    "apiVersion: eventing.knative.dev/v1alpha1\nkind: KafkaSink\nmetadata: {name: k}\n---\nkind: Nope\n";
  const r = await dn(["apply", "-f", "-"], fakeApi().fetch, docs);
  assert.equal(r.code, 1);
  assert.deepEqual(r.err.split("\n"), [
    'dn: KafkaSink/k: the server does not serve "kafkasinks" in eventing.knative.dev/v1alpha1',
    "dn: stdin: Nope/?: apiVersion and kind are required",
  ]);
});

Deno.test("dn trigger create POSTs a Trigger with filters and sink, and refuses a duplicate", async () => {
  const api = fakeApi();
  const args = ["trigger", "create", "t", "--broker", "b", "--filter", "type=x", "--sink", "ksvc:fn"];
  const r = await dn(args, api.fetch);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, "Trigger 't' successfully created in namespace 'default'.");
  assert.equal(api.calls[0].path, "/apis/eventing.knative.dev/v1/namespaces/default/triggers");
  assert.deepEqual((api.calls[0].body as { spec: unknown }).spec, {
    broker: "b",
    filter: { attributes: { type: "x" } },
    subscriber: { ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: "fn" } },
  });
  const again = await dn(args, api.fetch);
  assert.equal(again.code, 1);
  assert.equal(again.err, 'dn: "t" already exists');
});

Deno.test("dn source list skips kinds the platform does not serve", async () => {
  const api = fakeApi({
    "/apis/sources.knative.dev/v1/namespaces/default/pingsources/tick": {
      kind: "PingSource",
      metadata: { name: "tick", namespace: "default" },
      spec: { schedule: "* * * * *", sink: { uri: "http://x/" } },
    },
  });
  const r = await dn(["source", "list"], api.fetch);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /tick\s+PingSource\s+http:\/\/x\//);
});
