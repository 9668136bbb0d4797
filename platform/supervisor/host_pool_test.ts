import assert from "node:assert/strict";
import { HostPool, type PoolHost } from "./host_pool.ts";
import type { HostedInstance, HostEvents } from "./host_process.ts";
import type { HostSharing } from "../config.ts";
import type { Logger } from "../log.ts";
import { FakeClock } from "../clock/fake_clock.ts";

/** A host process that is only bookkeeping: it dies when told to, as a real one does when killed. */
class FakeHost implements PoolHost {
  static nextPid = 100;
  readonly pid = FakeHost.nextPid++;
  rss = 0;
  readonly hosted = new Map<number, HostedInstance>();
  gone = false;
  constructor(private readonly events: HostEvents<FakeHost>) {}
  /** What the real host does when its heartbeat frame arrives. */
  heartbeat() {
    this.events.heartbeat(this);
  }
  kill(reason: string) {
    if (this.gone) return;
    this.gone = true;
    this.events.exited(this, reason);
  }
}

class FakeInstance implements HostedInstance {
  inFlight = 0;
  lost: { reason: string; blamed: boolean }[] = [];
  constructor(readonly revisionKey: string) {}
  busy() {
    return this.inFlight > 0;
  }
  failed() {}
  hostGone(reason: string, blamed: boolean) {
    this.lost.push({ reason, blamed });
  }
}

const lines: string[] = [];
const log: Logger = {
  info: (m) => lines.push(m),
  warn: (m) => lines.push(m),
  error: (m) => lines.push(m),
  child: () => log,
};

function pool(sharing: HostSharing = "namespace", instancesPerHost = 10) {
  const spawned: FakeHost[] = [];
  const quarantined: string[] = [];
  const hosts = new HostPool<FakeHost>({
    spawn: (events) => {
      const h = new FakeHost(events);
      spawned.push(h);
      return Promise.resolve(h);
    },
    sharing,
    warmHosts: 0,
    instancesPerHost,
    maxHostRssMb: 100,
    log,
    onQuarantine: (key) => quarantined.push(key),
    refillDelayMs: 0,
    clock: new FakeClock(0),
  });
  return { hosts, spawned, quarantined };
}

Deno.test("acquire() puts one namespace's revisions in one host and other namespaces in others", async () => {
  const { hosts, spawned } = pool();
  const a = await hosts.acquire(1, new FakeInstance("default/a-00001"));
  const b = await hosts.acquire(2, new FakeInstance("default/b-00001"));
  const c = await hosts.acquire(3, new FakeInstance("prod/a-00001"));
  assert.equal(a, b);
  assert.notEqual(a, c);
  assert.equal(spawned.length, 2);
  hosts.stop();
});

Deno.test("acquire() spawns once for starts that wait on the same new host", async () => {
  const { hosts, spawned } = pool();
  const [a, b] = await Promise.all([
    hosts.acquire(1, new FakeInstance("default/a-00001")),
    hosts.acquire(2, new FakeInstance("default/b-00001")),
  ]);
  assert.equal(a, b);
  assert.equal(spawned.length, 1);
  hosts.stop();
});

Deno.test("--host-sharing revision gives each revision its own host, all gives one host", async () => {
  const own = pool("revision");
  assert.notEqual(
    await own.hosts.acquire(1, new FakeInstance("default/a-00001")),
    await own.hosts.acquire(2, new FakeInstance("default/b-00001")),
  );
  own.hosts.stop();
  const all = pool("all");
  assert.equal(
    await all.hosts.acquire(1, new FakeInstance("default/a-00001")),
    await all.hosts.acquire(2, new FakeInstance("prod/b-00001")),
  );
  all.hosts.stop();
});

Deno.test("a full host makes its group open another", async () => {
  const { hosts, spawned } = pool("namespace", 2);
  await hosts.acquire(1, new FakeInstance("default/a-00001"));
  await hosts.acquire(2, new FakeInstance("default/a-00001"));
  await hosts.acquire(3, new FakeInstance("default/b-00001"));
  assert.equal(spawned.length, 2);
  assert.equal(spawned[0].hosted.size, 2);
  assert.equal(spawned[1].hosted.size, 1);
  hosts.stop();
});

Deno.test("release() ends a host left with no instance", async () => {
  const { hosts } = pool();
  const host = await hosts.acquire(1, new FakeInstance("default/a-00001"));
  await hosts.acquire(2, new FakeInstance("default/b-00001"));
  hosts.release(host, 1);
  assert.equal(host.gone, false);
  hosts.release(host, 2);
  assert.equal(host.gone, true);
  assert.deepEqual(hosts.hosts(), []);
});

Deno.test("kill() quarantines the offender; the others hear of it once and restart elsewhere", async () => {
  const { hosts, quarantined } = pool();
  const spin = new FakeInstance("default/spin-00001");
  const hello = new FakeInstance("default/hello-00001");
  const host = await hosts.acquire(1, spin);
  await hosts.acquire(2, hello);
  hosts.kill(host, "default/spin-00001", "stopped answering");
  assert.deepEqual(quarantined, ["default/spin-00001"]);
  assert.deepEqual(spin.lost, [{ reason: "stopped answering", blamed: true }]);
  assert.deepEqual(hello.lost, [{ reason: "stopped answering", blamed: false }]);
  assert.match(hosts.quarantineOf("default/spin-00001")!, /stopped answering/);
  const spinAgain = await hosts.acquire(3, new FakeInstance("default/spin-00001"));
  const helloAgain = await hosts.acquire(4, new FakeInstance("default/hello-00001"));
  assert.notEqual(spinAgain, helloAgain);
  // The quarantined revision's next kill touches nobody else.
  hosts.kill(spinAgain, "default/spin-00001", "stopped answering");
  assert.equal(helloAgain.gone, false);
  assert.equal(hello.lost.length, 1);
  hosts.stop();
});

Deno.test("a host that dies on its own blames the revisions with requests in flight", async () => {
  const { hosts, quarantined } = pool();
  const bomb = new FakeInstance("default/bomb-00001");
  const idle = new FakeInstance("default/hello-00001");
  const host = await hosts.acquire(1, bomb);
  await hosts.acquire(2, idle);
  bomb.inFlight = 1;
  host.kill("its connection closed");
  assert.deepEqual(quarantined, ["default/bomb-00001"]);
  assert.equal(idle.lost[0].blamed, false);
  hosts.stop();
});

Deno.test("a host over its memory limit is killed and its busy revision blamed", async () => {
  const { hosts, quarantined } = pool();
  const hog = new FakeInstance("default/hog-00001");
  const host = await hosts.acquire(1, hog);
  await hosts.acquire(2, new FakeInstance("default/hello-00001"));
  hog.inFlight = 2;
  host.rss = 50 * 1024 * 1024;
  host.heartbeat();
  assert.equal(host.gone, false);
  host.rss = 200 * 1024 * 1024;
  host.heartbeat();
  assert.equal(host.gone, true);
  assert.deepEqual(quarantined, ["default/hog-00001"]);
  hosts.stop();
});

Deno.test("nobody is quarantined when a shared host dies with nothing in flight", async () => {
  const { hosts, quarantined } = pool();
  const host = await hosts.acquire(1, new FakeInstance("default/a-00001"));
  await hosts.acquire(2, new FakeInstance("default/b-00001"));
  host.kill("exited with code 1");
  assert.deepEqual(quarantined, []);
  hosts.stop();
});

Deno.test("a new group takes the warm host, and another warms after the refill delay", async () => {
  const clock = new FakeClock(0);
  const spawned: FakeHost[] = [];
  const hosts = new HostPool<FakeHost>({
    spawn: (events) => {
      const h = new FakeHost(events);
      spawned.push(h);
      return Promise.resolve(h);
    },
    sharing: "namespace",
    warmHosts: 1,
    instancesPerHost: 10,
    maxHostRssMb: 100,
    log,
    refillDelayMs: 250,
    clock,
  });
  hosts.start();
  await clock.advance(0);
  assert.equal(spawned.length, 1);
  const host = await hosts.acquire(1, new FakeInstance("default/a-00001"));
  assert.equal(host, spawned[0]);
  await clock.advance(249);
  assert.equal(spawned.length, 1);
  await clock.advance(1);
  assert.equal(spawned.length, 2);
  hosts.stop();
  assert.ok(spawned.every((h) => h.gone));
});
