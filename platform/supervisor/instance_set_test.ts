import assert from "node:assert/strict";
import {
  type Instance,
  type InstanceEvents,
  type InstanceHandle,
  type InstanceLauncher,
  InstanceSet,
} from "./instance_set.ts";
import { FakeClock } from "../clock/fake_clock.ts";
import type { Logger } from "../log.ts";
import type { Frame } from "../../runtime/protocol.ts";

const log: Logger = { info() {}, warn() {}, error() {}, child: () => log };

/** A started instance as the fake launcher keeps it: the test plays its host and isolate. */
interface Launched {
  id: number;
  events: InstanceEvents;
  stopped: boolean;
  pings: number;
  killed?: string;
}

class FakeLauncher implements InstanceLauncher {
  launched: Launched[] = [];
  refuse?: string;
  launch(id: number, events: InstanceEvents): Promise<InstanceHandle> {
    if (this.refuse) return Promise.reject(new Error(this.refuse));
    const l: Launched = { id, events, stopped: false, pings: 0 };
    this.launched.push(l);
    return Promise.resolve({
      hostPid: 1,
      link: { gone: false, send() {}, sendHead() {} },
      ping: () => void l.pings++,
      stop: () => void (l.stopped = true),
      killHost: (reason) => void (l.killed = reason),
    });
  }
  running(): Launched[] {
    return this.launched.filter((l) => !l.stopped);
  }
}

function instanceSet(containerConcurrency = 0) {
  const clock = new FakeClock(0);
  const launcher = new FakeLauncher();
  const ready: number[] = [];
  const lost: string[] = [];
  const frames: Frame[] = [];
  let id = 1;
  const set = new InstanceSet({
    launcher,
    clock,
    nextId: () => id++,
    containerConcurrency,
    startTimeoutMs: 5_000,
    stuckProbeMs: 1_000,
    revision: "hello-00001",
    log,
    listener: {
      ready: (i) => ready.push(i.id),
      lost: (i, error) => lost.push(`${i.id}: ${error}`),
      frame: (_i, f) => frames.push(f),
      changed: () => {},
    },
  });
  /** Lets launches resolve, then reports instances ready. */
  const readyAll = async () => {
    await clock.advance(0);
    for (const l of launcher.running()) l.events.ready();
  };
  return { set, clock, launcher, ready, lost, frames, readyAll };
}

Deno.test("from zero the first instance starts alone; the rest follow once it is ready", async () => {
  const { set, launcher, readyAll } = instanceSet();
  set.scaleTo(3);
  assert.equal(launcher.launched.length, 1);
  await readyAll();
  set.converge();
  assert.equal(launcher.launched.length, 3);
  assert.equal(set.live, 3);
});

Deno.test("pick() takes the least busy ready instance and honours containerConcurrency", async () => {
  const { set, readyAll } = instanceSet(2);
  set.scaleTo(1);
  await readyAll();
  set.scaleTo(2);
  await readyAll();
  const a = set.pick()!, b = set.pick()!;
  assert.notEqual(a.id, b.id);
  set.pick();
  set.pick();
  assert.equal(set.pick(), undefined);
  set.release(a);
  assert.equal(set.pick(), a);
});

Deno.test("scaling down stops idle instances at once and drains busy ones", async () => {
  const { set, launcher, readyAll } = instanceSet();
  set.scaleTo(1);
  await readyAll();
  set.scaleTo(2);
  await readyAll();
  const busy: Instance = set.pick()!;
  set.pick(); // the other one is busy too
  set.release([...set.all()].find((i) => i !== busy)!);
  set.scaleTo(0);
  assert.deepEqual(launcher.running().map((l) => l.id), [busy.id]);
  assert.equal(busy.state, "draining");
  set.release(busy);
  assert.deepEqual(launcher.running(), []);
});

Deno.test("a failed instance is reported lost and not restarted on its own", async () => {
  const { set, launcher, lost } = instanceSet();
  set.scaleTo(1);
  await Promise.resolve();
  launcher.launched[0].events.failed("SyntaxError: Unexpected token");
  assert.deepEqual(lost, ["1: SyntaxError: Unexpected token"]);
  assert.equal(set.live, 0);
  assert.equal(launcher.launched.length, 1);
});

Deno.test("a bystander of a host's death restarts at once; the blamed revision does not", async () => {
  const bystander = instanceSet();
  bystander.set.scaleTo(1);
  await bystander.readyAll();
  bystander.launcher.launched[0].events.hostGone("was killed", false);
  assert.equal(bystander.launcher.launched.length, 2);
  assert.equal(bystander.set.live, 1);

  const blamed = instanceSet();
  blamed.set.scaleTo(1);
  await blamed.readyAll();
  blamed.launcher.launched[0].events.hostGone("was killed", true);
  assert.equal(blamed.launcher.launched.length, 1);
  assert.equal(blamed.set.live, 0);
  assert.equal(blamed.set.desired, 1);
});

Deno.test("an instance that does not load within the start timeout is lost", async () => {
  const { set, clock, lost } = instanceSet();
  set.scaleTo(1);
  await clock.advance(5_000);
  assert.deepEqual(lost, ["1: the code did not load within 5000 ms"]);
});

Deno.test("a probed instance that does not answer has its host killed; one that answers does not", async () => {
  const { set, clock, launcher, readyAll } = instanceSet();
  set.scaleTo(1);
  await readyAll();
  set.scaleTo(2);
  await readyAll();
  const [a, b] = [...set.all()];
  set.probe(a);
  set.probe(b);
  launcher.launched[1].events.pong();
  await clock.advance(1_000);
  assert.match(launcher.launched[0].killed!, /instance 1 stopped answering/);
  assert.equal(launcher.launched[1].killed, undefined);
});

Deno.test("a launch that cannot begin (no host) is lost with its reason", async () => {
  const { set, launcher, lost } = instanceSet();
  launcher.refuse = "the pool host could not start";
  set.scaleTo(1);
  await Promise.resolve();
  await Promise.resolve();
  assert.deepEqual(lost, ["1: the pool host could not start"]);
});

Deno.test("frames of an instance's requests go to the pool", async () => {
  const { set, launcher, frames, readyAll } = instanceSet();
  set.scaleTo(1);
  await readyAll();
  const frame = { type: 9, stream: 7, payload: new Uint8Array() } as unknown as Frame;
  launcher.launched[0].events.frame(frame);
  assert.deepEqual(frames, [frame]);
  set.stopAll();
  assert.deepEqual(launcher.running(), []);
});

Deno.test("no timer is left behind by instances that became ready or were stopped", async () => {
  const { set, clock, readyAll } = instanceSet();
  set.scaleTo(1);
  await readyAll();
  assert.equal(clock.pendingTimers, 0);
  set.scaleTo(2);
  set.stopAll();
  await clock.advance(0);
  assert.equal(clock.pendingTimers, 0);
});
