import assert from "node:assert/strict";
import { RevisionPool } from "./revision_pool.ts";
import type { InstanceEvents, InstanceHandle, InstanceLauncher } from "./instance_set.ts";
import { FakeClock } from "../clock/fake_clock.ts";
import type { Logger } from "../log.ts";
import {
  decodeRequestHead,
  forEachFrame,
  FrameType,
  headFrame,
  responseHeadText,
} from "../../runtime/protocol.ts";

const log: Logger = { info() {}, warn() {}, error() {}, child: () => log };

/**
 * Instances whose link is played by the test: a request head is answered with its URL, unless the
 * instance is told to stay silent (a stuck function).
 */
class FakeLauncher implements InstanceLauncher {
  instances: { events: InstanceEvents; silent: boolean; pings: number; killed?: string; stopped: boolean }[] =
    [];
  launch(_id: number, events: InstanceEvents): Promise<InstanceHandle> {
    const inst = { events, silent: false, pings: 0, stopped: false, killed: undefined as string | undefined };
    this.instances.push(inst);
    return Promise.resolve({
      hostPid: 1,
      link: {
        gone: false,
        send() {},
        sendHead(type: FrameType, stream: number, text: string, body?: Uint8Array) {
          forEachFrame(headFrame(type, stream, text, body), (type, stream, payload) => {
            if (type !== FrameType.RequestHead || inst.silent) return;
            const { head } = decodeRequestHead(payload);
            const text = responseHeadText(200, "", new Headers(), "inline");
            const reply = headFrame(FrameType.Response, stream, text, `served ${head.url}`);
            forEachFrame(
              reply,
              (t, s, p) => queueMicrotask(() => events.frame({ type: t, stream: s, payload: p })),
            );
          });
        },
      },
      ping: () => void inst.pings++,
      stop: () => void (inst.stopped = true),
      killHost: (reason) => void (inst.killed = reason),
    });
  }
}

function pool(opts: { containerConcurrency?: number; timeoutSeconds?: number } = {}) {
  const clock = new FakeClock(0);
  const launcher = new FakeLauncher();
  let asked = 0;
  let id = 1;
  const p: RevisionPool = new RevisionPool({
    namespace: "default",
    service: "hello",
    revision: "hello-00001",
    bundleDir: "/nowhere",
    entry: "main.ts",
    env: {},
    containerConcurrency: opts.containerConcurrency ?? 0,
    timeoutSeconds: opts.timeoutSeconds ?? 10,
  }, {
    launcher,
    clock,
    nextInstanceId: () => id++,
    limits: {
      queueDepthFactor: 10,
      unboundedQueueDepth: 100,
      stuckProbeMs: 1_000,
      instanceStartTimeoutMs: 5_000,
      webSocketBacklogBytes: 1 << 20,
      webSocketClientBufferBytes: 1 << 20,
    },
    log,
    // As the autoscaler does for a held request at zero.
    askCapacity: () => {
      asked++;
      if (p.demand().live === 0) p.scaleTo(1);
    },
  });
  return { p, clock, launcher, asked: () => asked };
}

const call = (p: RevisionPool, path = "/") =>
  p.dispatch(new Request(`http://hello.default/${path}`), `http://hello.default${path}`);

Deno.test("a request at zero is held, asks for capacity, and is served by the instance that starts", async () => {
  const { p, clock, launcher, asked } = pool();
  const pending = call(p, "/a");
  assert.equal(p.queued, 1);
  assert.equal(asked(), 1);
  await clock.advance(120);
  launcher.instances[0].events.ready();
  const res = await pending;
  assert.equal(await res.text(), "served http://hello.default/a");
  assert.deepEqual(p.takeColdStarts(), [120]);
  assert.equal(p.meter.current, 0);
  await p.stop();
});

Deno.test("containerConcurrency 1 serialises: a second request waits for the first", async () => {
  const { p, clock, launcher } = pool({ containerConcurrency: 1 });
  p.scaleTo(1);
  await clock.advance(0);
  launcher.instances[0].events.ready();
  launcher.instances[0].silent = true;
  const first = call(p, "/1");
  await clock.advance(5_000);
  const second = call(p, "/2");
  assert.equal(p.inFlight, 1);
  assert.equal(p.queued, 1);
  // The first ends with a timeout; its slot goes to the second, which the instance answers.
  launcher.instances[0].silent = false;
  await clock.advance(5_100);
  assert.equal((await first).status, 504);
  assert.equal(await (await second).text(), "served http://hello.default/2");
  await p.stop();
});

Deno.test("past timeoutSeconds a request gets 504 and its instance is probed, then its host killed", async () => {
  const { p, clock, launcher } = pool({ timeoutSeconds: 2 });
  p.scaleTo(1);
  await clock.advance(0);
  launcher.instances[0].events.ready();
  launcher.instances[0].silent = true;
  const res = call(p, "/spin");
  await clock.advance(2_100);
  const answered = await res;
  assert.equal(answered.status, 504);
  assert.match(await answered.text(), /did not answer within 2s/);
  assert.equal(launcher.instances[0].pings, 1);
  await clock.advance(1_000);
  assert.match(launcher.instances[0].killed!, /stopped answering/);
  await p.stop();
});

Deno.test("an instance lost mid-request fails the request with 502", async () => {
  const { p, clock, launcher } = pool();
  p.scaleTo(1);
  await clock.advance(0);
  launcher.instances[0].events.ready();
  launcher.instances[0].silent = true;
  const res = call(p, "/");
  await clock.advance(0);
  launcher.instances[0].events.hostGone("was killed", false);
  const answered = await res;
  assert.equal(answered.status, 502);
  await answered.body?.cancel();
  assert.equal(launcher.instances.length, 2, "a bystander's instance is restarted");
  await p.stop();
});

Deno.test("start() resolves when the first instance serves and rejects with why it could not load", async () => {
  const good = pool();
  const started = good.p.start();
  await good.clock.advance(0);
  good.launcher.instances[0].events.ready();
  await started;
  assert.equal(good.p.readyCount, 1);
  await good.p.stop();

  const bad = pool();
  const failing = bad.p.start();
  await bad.clock.advance(0);
  bad.launcher.instances[0].events.failed("SyntaxError: Unexpected token");
  await assert.rejects(failing, /SyntaxError/);
});

Deno.test("held requests get 502 when the only instance fails to load, and 503 once stopping", async () => {
  const { p, clock, launcher } = pool();
  const held = call(p, "/");
  await clock.advance(0);
  launcher.instances[0].events.failed("boom at import");
  const res = await held;
  assert.equal(res.status, 502);
  assert.match(await res.text(), /could not start: boom at import/);
  await p.stop();
  const late = await call(p, "/");
  assert.equal(late.status, 503);
  await late.body?.cancel();
});

// Found by test/rollout_test.ts: deleting a revision stopped its instances under requests in
// flight, and those requests were never answered.
Deno.test("stop(grace) lets requests in flight finish, and answers any still running at its end with 503", async () => {
  const { p, clock, launcher } = pool();
  p.scaleTo(1);
  await clock.advance(0);
  launcher.instances[0].events.ready();
  launcher.instances[0].silent = true;
  const res = call(p, "/stuck");
  await clock.advance(0);
  const stopping = p.stop(1_000);
  await clock.advance(500);
  assert.equal(launcher.instances[0].stopped, false, "the instance runs while the grace lasts");
  await clock.advance(600);
  await stopping;
  const answered = await res;
  assert.equal(answered.status, 503);
  assert.match(await answered.text(), /hello-00001" stopped/);
  assert.equal(launcher.instances[0].stopped, true);
});

Deno.test("in the activator's path requests count as activator traffic; out of it they go straight to a slot", async () => {
  const done: { via: boolean; wait: number }[] = [];
  const clock = new FakeClock(0);
  const launcher = new FakeLauncher();
  let id = 1;
  const p = new RevisionPool({
    namespace: "default",
    service: "hello",
    revision: "hello-00001",
    bundleDir: "/nowhere",
    entry: "main.ts",
    env: {},
    containerConcurrency: 0,
    timeoutSeconds: 10,
  }, {
    launcher,
    clock,
    nextInstanceId: () => id++,
    limits: {
      queueDepthFactor: 10,
      unboundedQueueDepth: 100,
      stuckProbeMs: 1_000,
      instanceStartTimeoutMs: 5_000,
      webSocketBacklogBytes: 1 << 20,
      webSocketClientBufferBytes: 1 << 20,
    },
    log,
    askCapacity: () => p.scaleTo(1),
    onRequestDone: (d) => done.push({ via: d.viaActivator, wait: d.waitMs }),
  });
  // At zero the activator is in the path whatever was decided, and holds the request.
  p.setActivatorInPath(false, "test");
  assert.equal(p.activatorInPath, true);
  const first = call(p, "/cold");
  await clock.advance(50);
  launcher.instances[0].events.ready();
  assert.equal((await first).status, 200);
  // One ready instance, and the autoscaler's decision says out of the path: direct.
  assert.equal(p.activatorInPath, false);
  await (await call(p, "/direct")).text();
  // Back in the path (say the excess burst capacity went negative): admitted through the activator.
  p.setActivatorInPath(true, "test");
  assert.equal(p.activatorInPath, true);
  await (await call(p, "/via")).text();
  assert.deepEqual(done, [{ via: true, wait: 50 }, { via: false, wait: 0 }, { via: true, wait: 0 }]);
  await p.stop();
});
