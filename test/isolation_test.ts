/**
 * A misbehaving function costs only its own requests: a busy loop, an unbounded allocation and a
 * sandbox escape attempt, each next to a well-behaved service that must keep answering.
 */
import assert from "node:assert/strict";
import { eventually, EXAMPLES, FIXTURES, Platform, serviceDoc } from "./harness.ts";

async function text(res: Response | Promise<Response>) {
  return await (await res).text();
}

/** Every process under `pid`, the platform's pool hosts included. */
async function descendants(pid: number): Promise<number[]> {
  const children = new Map<number, number[]>();
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const stat = await Deno.readTextFile(`/proc/${e.name}/stat`);
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(e.name)]);
    } catch { /* exited */ }
  }
  const out: number[] = [];
  const visit = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      visit(c);
    }
  };
  visit(pid);
  return out;
}

/** CPU seconds (user + system) the process tree under `pid` uses over `ms`. */
async function treeCpuSeconds(pid: number, ms: number): Promise<number> {
  const ticks = async () => {
    let sum = 0;
    for (const p of [pid, ...await descendants(pid)]) {
      try {
        const stat = await Deno.readTextFile(`/proc/${p}/stat`);
        const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        sum += Number(f[11]) + Number(f[12]);
      } catch { /* exited */ }
    }
    return sum;
  };
  const before = await ticks();
  await new Promise((r) => setTimeout(r, ms));
  return (await ticks() - before) / 100;
}

Deno.test("isolation: runaway functions cost only their own requests", async (t) => {
  const platform = await Platform.start({ functions: { hello: `${EXAMPLES}/hello` } });
  try {
    await t.step(
      "a function that loops forever gets 504, its host is killed, and CPU returns to idle",
      async () => {
        const image = await platform.uploadBundle(`${FIXTURES}/busy_loop`);
        await platform.putService(serviceDoc("spin", image, { spec: { timeoutSeconds: 2 } }));
        await platform.settled("spin");
        const spinning = platform.call("spin", "/spin");
        // Another service keeps answering while the loop spins.
        await new Promise((r) => setTimeout(r, 300));
        for (let i = 0; i < 5; i++) assert.match(await text(platform.call("hello")), /Hello World/);
        const res = await spinning;
        await res.body?.cancel();
        assert.equal(res.status, 504);
        // The probe after the timeout takes about a second; then the runaway must be gone.
        await new Promise((r) => setTimeout(r, 1500));
        const cpu = await treeCpuSeconds(platform.pid, 1000);
        assert.ok(
          cpu < 0.5,
          `the platform's processes used ${cpu}s of CPU in 1s after the runaway was ended`,
        );
        assert.match(await text(platform.call("hello")), /Hello World/);
        // The revision itself recovers: a fresh instance serves the next request.
        assert.equal(await text(platform.call("spin", "/")), "alive");
      },
    );

    await t.step("a function that allocates without bound gets 502, and only it is affected", async () => {
      const image = await platform.uploadBundle(`${FIXTURES}/heap_bomb`);
      await platform.putService(serviceDoc("bomb", image));
      await platform.settled("bomb");
      const res = await platform.call("bomb", "/grow");
      await res.body?.cancel();
      assert.equal(res.status, 502);
      assert.match(await text(platform.call("hello")), /Hello World/);
      assert.equal(await text(platform.call("bomb", "/")), "alive");
      const health = await fetch(`http://127.0.0.1:${platform.adminPort}/healthz`);
      await health.body?.cancel();
      assert.equal(health.status, 200);
    });

    await t.step(
      "a function cannot read outside its code, see the platform's env, write, run or load FFI; it sees K_*",
      async () => {
        const image = await platform.uploadBundle(`${FIXTURES}/sandbox_probe`);
        await platform.putService({
          ...serviceDoc("probe", image),
          spec: {
            template: {
              spec: { containers: [{ image, env: [{ name: "GREETING", value: "hi" }] }] },
            },
          },
        });
        await platform.settled("probe");
        const report = await (await platform.call("probe")).json();
        assert.equal(report.readOutside, "NotCapable");
        // It shares its pool host with hello, yet cannot see the other slots or read hello's code.
        assert.equal(
          readyHosts(platform.logs, "probe-00001").at(-1),
          readyHosts(platform.logs, "hello-00001").at(-1),
        );
        assert.equal(report.listSlots, "NotCapable");
        assert.deepEqual(report.readNeighbours, ["NotCapable"]);
        assert.equal(report.readOwnCode, "allowed");
        assert.equal(report.write, "NotCapable");
        assert.equal(report.run, "NotCapable");
        assert.equal(report.ffi, "NotCapable");
        // The declared env, and Knative's runtime contract variables; nothing of the platform's own.
        assert.deepEqual(report.env, {
          GREETING: "hi",
          K_SERVICE: "probe",
          K_CONFIGURATION: "probe",
          K_REVISION: "probe-00001",
        });
        assert.equal(report.home, null);
      },
    );
  } finally {
    await platform.stop();
  }
});

/** The pool host pid each instance of `revision` became ready on, in log order. */
function readyHosts(logs: string, revision: string): number[] {
  const re = new RegExp(`${revision}: instance \\d+ ready on pool host (\\d+)`, "g");
  return [...logs.matchAll(re)].map((m) => Number(m[1]));
}

/** How many instances of `revision` were lost with a pool host. */
function lostWithHost(logs: string, revision: string): number {
  return [...logs.matchAll(new RegExp(`${revision}: instance \\d+ lost with pool host`, "g"))].length;
}

async function revisionCondition(platform: Platform, revision: string, type: string) {
  const rev = await platform.adminJson<
    { status?: { conditions?: { type: string; status: string; message?: string }[] } }
  >(
    `/apis/serving.knative.dev/v1/namespaces/default/revisions/${revision}`,
  );
  return rev.status?.conditions?.find((c) => c.type === type);
}

Deno.test("shared pool hosts: a runaway quarantines only itself, its neighbours restart once", async (t) => {
  const platform = await Platform.start({ functions: { hello: `${EXAMPLES}/hello` } });
  try {
    const spinImage = await platform.uploadBundle(`${FIXTURES}/busy_loop`);
    const bombImage = await platform.uploadBundle(`${FIXTURES}/heap_bomb`);
    await platform.putService(serviceDoc("spin", spinImage, { spec: { timeoutSeconds: 2 } }));
    await platform.putService(serviceDoc("bomb", bombImage));
    await platform.settled("spin");
    await platform.settled("bomb");
    assert.match(await text(platform.call("hello")), /Hello World/);
    assert.equal(await text(platform.call("spin")), "alive");
    assert.equal(await text(platform.call("bomb")), "alive");

    await t.step("the three Services of one namespace share one pool host", () => {
      const [hello] = readyHosts(platform.logs, "hello-00001").slice(-1);
      assert.deepEqual(readyHosts(platform.logs, "spin-00001").slice(-1), [hello]);
      assert.deepEqual(readyHosts(platform.logs, "bomb-00001").slice(-1), [hello]);
    });

    await t.step("a busy loop is quarantined; hello restarts once and keeps answering", async () => {
      const spinning = await platform.call("spin", "/spin");
      await spinning.body?.cancel();
      assert.equal(spinning.status, 504);
      await eventually("spin quarantined in its revision status", async () => {
        const c = await revisionCondition(platform, "spin-00001", "Quarantined");
        return c?.status === "True" ? c : undefined;
      });
      assert.match(platform.logs, /spin-00001: quarantined/);
      for (let i = 0; i < 20; i++) assert.match(await text(platform.call("hello")), /Hello World/);
      assert.equal(lostWithHost(platform.logs, "hello-00001"), 1);
      // Spinning again kills only the quarantined host: nothing else restarts a second time.
      assert.equal(await text(platform.call("spin")), "alive");
      const spinHost = readyHosts(platform.logs, "spin-00001").at(-1);
      assert.notEqual(spinHost, readyHosts(platform.logs, "hello-00001").at(-1));
      const again = await platform.call("spin", "/spin");
      await again.body?.cancel();
      assert.equal(again.status, 504);
      await eventually(
        "spin's own host killed",
        () => Promise.resolve(platform.logs.includes(`killing pool host ${spinHost}`) || undefined),
      );
      for (let i = 0; i < 20; i++) assert.match(await text(platform.call("hello")), /Hello World/);
      assert.equal(lostWithHost(platform.logs, "hello-00001"), 1);
      assert.equal(lostWithHost(platform.logs, "bomb-00001"), 1);
    });

    await t.step("a heap bomb is quarantined; hello restarts once and keeps answering", async () => {
      const before = lostWithHost(platform.logs, "hello-00001");
      const res = await platform.call("bomb", "/grow");
      await res.body?.cancel();
      assert.equal(res.status, 502);
      await eventually("bomb quarantined in its revision status", async () => {
        const c = await revisionCondition(platform, "bomb-00001", "Quarantined");
        return c?.status === "True" ? c : undefined;
      });
      assert.match(platform.logs, /bomb-00001: quarantined/);
      for (let i = 0; i < 20; i++) assert.match(await text(platform.call("hello")), /Hello World/);
      assert.equal(lostWithHost(platform.logs, "hello-00001"), before + 1);
      const again = await platform.call("bomb", "/grow");
      await again.body?.cancel();
      assert.equal(again.status, 502);
      for (let i = 0; i < 20; i++) assert.match(await text(platform.call("hello")), /Hello World/);
      assert.equal(lostWithHost(platform.logs, "hello-00001"), before + 1);
      assert.equal(await revisionCondition(platform, "hello-00001", "Quarantined"), undefined);
      assert.equal(await text(platform.call("bomb")), "alive");
    });
  } finally {
    await platform.stop();
  }
});
