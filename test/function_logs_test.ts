/**
 * What functions print, per revision: `console.*` lines and one access line per request land in the
 * platform's log store and come back through `dn logs` (and the admin API), followed with `-f`.
 */
import assert from "node:assert/strict";
import { eventually, FIXTURES, Platform, runDn } from "./harness.ts";
import type { LogEntry } from "../platform/logs/log_entry.ts";

const ROOT = new URL("../", import.meta.url).pathname;

async function entries(platform: Platform, query = ""): Promise<LogEntry[]> {
  const res = await platform.admin(`/logs/namespaces/default/services/logger${query}`);
  assert.equal(res.status, 200);
  return (await res.text()).split("\n").filter(Boolean).map((l) => JSON.parse(l));
}

Deno.test("a function's console lines and its access lines are kept per revision and shown by dn logs", async () => {
  const platform = await Platform.start({
    functions: { logger: `${FIXTURES}/logger`, throws: `${FIXTURES}/throws` },
  });
  try {
    await platform.settled("logger");
    const res = await platform.call("logger", "/?text=marker-one");
    assert.equal(await res.text(), "logged");
    await (await platform.call("logger", "/?level=warn&text=marker-two")).body?.cancel();

    // dn logs, polled until the line shows up (the test never asserts on how long it took).
    const printed = await eventually("marker-one in dn logs", async () => {
      const run = await runDn(platform, ["logs", "logger"]);
      assert.equal(run.code, 0, run.stderr);
      return run.stdout.includes("marker-one") ? run.stdout : undefined;
    });
    assert.match(printed, /logger-00001\/\d+ INFO marker-one/);

    const all = await eventually("both lines and both access lines", async () => {
      const got = await entries(platform);
      return got.filter((e) => e.kind === "access").length >= 2 && got.some((e) => e.message === "marker-two")
        ? got
        : undefined;
    });
    const warn = all.find((e) => e.message === "marker-two")!;
    assert.equal(warn.level, "warn");
    assert.equal(warn.revision, "logger-00001");
    assert.equal(warn.kind, "app");
    const access = all.filter((e) => e.kind === "access");
    assert.equal(access.length, 2, "one access line per request");
    assert.equal(access[0].access?.method, "GET");
    assert.equal(access[0].access?.path, "/?text=marker-one");
    assert.equal(access[0].access?.status, 200);
    assert.equal(typeof access[0].access?.coldStart, "boolean");
    assert.ok(typeof access[0].instance === "number");

    // -o json prints the entries as JSON lines; --tail cuts.
    const tail = await runDn(platform, ["logs", "logger", "--tail", "1", "-o", "json"]);
    assert.equal(tail.code, 0, tail.stderr);
    const tailLines = tail.stdout.trim().split("\n");
    assert.equal(tailLines.length, 1);
    assert.equal(JSON.parse(tailLines[0]).kind, "access");

    // A handler's uncaught error goes to its revision's log (with the stack), never to the caller.
    await platform.settled("throws");
    const failed = await platform.call("throws");
    assert.equal(failed.status, 500);
    assert.doesNotMatch(await failed.text(), /secret-internal-detail/);
    const thrown = await eventually("the error in dn logs throws", async () => {
      const run = await runDn(platform, ["logs", "throws"]);
      return /ERROR .*secret-internal-detail/.test(run.stdout) ? run.stdout : undefined;
    });
    assert.match(thrown, /throws-00001\/\d+ ERROR throws-00001: GET \/ threw:/);
    assert.match(thrown, /ACCESS GET \/ 500/);

    // Bad input is refused naming the field.
    const bad = await platform.admin("/logs/namespaces/default/services/logger?since=yesterday");
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).message, /^since:/);
  } finally {
    await platform.stop();
  }
});

Deno.test("dn logs -f follows new lines as the function prints them", async () => {
  const platform = await Platform.start({ functions: { logger: `${FIXTURES}/logger` } });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", `${ROOT}platform/cli/main.ts`, "logs", "logger", "-f"],
    cwd: ROOT,
    env: {
      NO_COLOR: "1",
      DENATIVE_ADMIN: `http://127.0.0.1:${platform.adminPort}`,
      DENATIVE_TOKEN: platform.token,
    },
    stdout: "piped",
    stderr: "null",
  }).spawn();
  let out = "";
  const reading = (async () => {
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) out += chunk;
  })();
  try {
    await platform.settled("logger");
    await eventually("follow-marker in dn logs -f", async () => {
      await (await platform.call("logger", "/?text=follow-marker")).body?.cancel();
      return out.includes("follow-marker") ? true : undefined;
    });
    assert.match(out, /INFO follow-marker/);
  } finally {
    child.kill();
    await child.status;
    await reading;
    await platform.stop();
  }
});

Deno.test("the access log is switched off by the Service's annotation, and the store keeps its bound", async () => {
  const platform = await Platform.start({
    functions: { logger: `${FIXTURES}/logger` },
    env: { DENATIVE_REVISION_LOG_MAX_BYTES: String(20 * 200) },
  });
  try {
    await platform.settled("logger");
    const off = await runDn(platform, [
      "service",
      "update",
      "logger",
      "--annotation",
      "logging.denative.dev/access-log=false",
    ]);
    assert.equal(off.code, 0, off.stderr);
    for (let i = 0; i < 60; i++) {
      await (await platform.call("logger", `/?text=${"x".repeat(50)}-${i}`)).body?.cancel();
    }
    const got = await eventually("the last line", async () => {
      const e = await entries(platform);
      return e.some((x) => x.message.endsWith("-59")) ? e : undefined;
    });
    // 20 entries of about 180 bytes (message + overhead) fit in 4000 bytes: far fewer than 60.
    assert.ok(got.length <= 25 && got.length >= 15, `kept ${got.length} entries`);
    assert.equal(got.filter((e) => e.kind === "access").length, 0, "no access line once switched off");
    assert.ok(got.at(-1)!.message.endsWith("-59"), "the newest lines are kept");
  } finally {
    await platform.stop();
  }
});
