/**
 * Autoscaling on the real platform: KPA scale-out under load, scale-down within the rates and to
 * zero after window + grace, requests held at zero, a 90/10 split scaling each revision on its own
 * traffic, HPA on CPU and memory, and schedule windows raising then lifting the floor.
 */
import assert from "node:assert/strict";
import { FIXTURES, Platform, serviceDoc, tempDir } from "./harness.ts";

const REVISIONS = "/apis/serving.knative.dev/v1/namespaces/default/revisions";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface RevisionStatus {
  status: { actualReplicas?: number; desiredReplicas?: number };
}

async function replicas(platform: Platform, revision: string): Promise<number> {
  const rev = await platform.adminJson<RevisionStatus>(`${REVISIONS}/${revision}`);
  return rev.status.actualReplicas ?? 0;
}

/** Polls until `check` holds, recording every value seen; fails with the history. */
async function until(
  what: string,
  timeoutMs: number,
  read: () => Promise<number>,
  check: (n: number) => boolean,
) {
  const seen: number[] = [];
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const n = await read();
    seen.push(n);
    if (check(n)) return seen;
    await sleep(250);
  }
  throw new Error(`${what}: not reached within ${timeoutMs} ms; saw ${seen.join(",")}`);
}

/** Keeps `clients` requests in flight against a service until `stop` resolves. */
function load(platform: Platform, service: string, path: string, clients: number, stop: Promise<void>) {
  let done = false;
  stop.then(() => (done = true));
  return Promise.all(Array.from({ length: clients }, async () => {
    while (!done) await (await platform.call(service, path)).text();
  }));
}

/** A 6-field cron (with seconds) for `at`, in UTC. */
function cronAt(at: Date): string {
  return `${at.getUTCSeconds()} ${at.getUTCMinutes()} ${at.getUTCHours()} * * *`;
}

Deno.test("autoscaling: KPA, scale to zero, splits, HPA and schedules", async (t) => {
  const platform = await Platform.start({
    env: { DENATIVE_SCALE_TO_ZERO_GRACE_PERIOD: "1s" },
  });
  const slowImage = await platform.uploadBundle(`${FIXTURES}/slow`);
  // Deployed first, so it has long scaled to zero when an event for it arrives (the last step). One
  // instance at most: its count lives in memory, and a second instance would answer the test with 0.
  await platform.putService(serviceDoc("counter", await platform.uploadBundle(`${FIXTURES}/event_counter`), {
    annotations: { "autoscaling.knative.dev/window": "6s", "autoscaling.knative.dev/max-scale": "1" },
  }));
  try {
    await t.step(
      "8 concurrent slow requests with target 1 grow the revision to at least 4 instances",
      async () => {
        await platform.putService(serviceDoc("kpa", slowImage, {
          annotations: { "autoscaling.knative.dev/target": "1", "autoscaling.knative.dev/window": "6s" },
        }));
        await platform.settled("kpa");
        let stopLoad!: () => void;
        const stop = new Promise<void>((r) => (stopLoad = r));
        const running = load(platform, "kpa", "/?ms=400", 8, stop);
        try {
          await until("scale out to >= 4", 8000, () => replicas(platform, "kpa-00001"), (n) => n >= 4);
        } finally {
          stopLoad();
          await running;
        }
      },
    );

    await t.step(
      "when the load stops it shrinks within the rates and reaches zero after window + grace",
      async () => {
        const start = await replicas(platform, "kpa-00001");
        const stoppedAt = Date.now();
        const seen = await until(
          "scale to zero",
          20_000,
          () => replicas(platform, "kpa-00001"),
          (n) => n === 0,
        );
        // max-scale-down-rate 2: never below half of what was ready in one step.
        for (let i = 1; i < seen.length; i++) {
          assert.ok(seen[i] >= Math.floor(seen[i - 1] / 2), `dropped too fast: ${seen.join(",")}`);
        }
        assert.ok(start >= 4);
        assert.ok(
          Date.now() - stoppedAt >= 6000,
          `reached zero after ${Date.now() - stoppedAt} ms, before the window`,
        );
      },
    );

    await t.step("a request at zero is held and served, not refused", async () => {
      assert.equal(await replicas(platform, "kpa-00001"), 0);
      const res = await platform.call("kpa", "/?ms=1");
      assert.equal(res.status, 200);
      assert.equal((await res.json()).maxInFlight, 1);
      const metrics = await (await platform.admin("/metrics")).text();
      assert.match(metrics, /denative_cold_start_milliseconds_count\{[^}]*revision="kpa-00001"\} [1-9]/);
    });

    await t.step("a 90/10 split scales the two revisions in proportion to their traffic", async () => {
      const annotations = { "autoscaling.knative.dev/target": "1", "autoscaling.knative.dev/window": "6s" };
      await platform.putService(serviceDoc("split", slowImage, { annotations }));
      await platform.settled("split");
      const dir = await tempDir();
      await Deno.copyFile(`${FIXTURES}/slow/main.ts`, `${dir}/main.ts`);
      await Deno.writeTextFile(`${dir}/second.txt`, "a different bundle for a second revision");
      const image2 = await platform.uploadBundle(dir);
      await platform.putService(serviceDoc("split", image2, {
        annotations,
        traffic: [{ revisionName: "split-00001", percent: 90 }, { revisionName: "split-00002", percent: 10 }],
      }));
      await platform.settled("split");
      let stopLoad!: () => void;
      const stop = new Promise<void>((r) => (stopLoad = r));
      const running = load(platform, "split", "/?ms=400", 10, stop);
      try {
        await until(
          "the 90% revision scales out",
          8000,
          () => replicas(platform, "split-00001"),
          (n) => n >= 5,
        );
        const small = await replicas(platform, "split-00002");
        const big = await replicas(platform, "split-00001");
        assert.ok(small <= 3, `the 10% revision has ${small} instances beside ${big}`);
        assert.ok(big >= 2 * small, `not in proportion: ${big} vs ${small}`);
      } finally {
        stopLoad();
        await running;
      }
    });

    await t.step(
      "a 90/10 split stays within one per 100 requests while its revisions scale up and down",
      async () => {
        const annotations = { "autoscaling.knative.dev/target": "1", "autoscaling.knative.dev/window": "6s" };
        await platform.putService(serviceDoc("precise", slowImage, { annotations }));
        await platform.settled("precise");
        const dir = await Deno.makeTempDir();
        try {
          await Deno.copyFile(`${FIXTURES}/slow/main.ts`, `${dir}/main.ts`);
          await Deno.writeTextFile(`${dir}/second.txt`, "a different bundle for a second revision");
          const image2 = await platform.uploadBundle(dir);
          await platform.putService(serviceDoc("precise", image2, {
            annotations,
            traffic: [
              { revisionName: "precise-00001", percent: 90, tag: "big" },
              { revisionName: "precise-00002", percent: 10, tag: "small" },
            ],
          }));
        } finally {
          await Deno.remove(dir, { recursive: true });
        }
        await platform.settled("precise");
        // Load through the tag URLs scales the revisions without taking turns of the split itself;
        // every scaling step writes revision status, which reconciles the Route again.
        let tagLoad = true;
        const tagged = Promise.all(Array.from({ length: 8 }, async (_, i) => {
          while (
            tagLoad
          ) await (await platform.call("precise", "/?ms=300", { tag: i % 4 ? "big" : "small" })).text();
        }));
        const answeredBy: string[] = [];
        const seen: number[] = [];
        let phase: "up" | "down" | "done" = "up";
        let peak = 0;
        let after = 0;
        const end = Date.now() + 40_000;
        try {
          while (Date.now() < end && after < 2) {
            for (let i = 0; i < 100; i++) {
              answeredBy.push((await (await platform.call("precise", "/?ms=0")).json()).revision);
            }
            const big = await replicas(platform, "precise-00001");
            seen.push(big);
            peak = Math.max(peak, big);
            if (phase === "up" && big >= 3) {
              phase = "down";
              tagLoad = false;
            } else if (phase === "down" && big < peak) phase = "done";
            // A few hundred requests more once it has scaled down (the split's own traffic keeps it up).
            if (phase === "done") after++;
          }
        } finally {
          tagLoad = false;
          await tagged;
        }
        assert.equal(phase, "done", `precise-00001 did not scale up, then down: ${seen.join(",")}`);
        for (let start = 0; start + 100 <= answeredBy.length; start++) {
          const small = answeredBy.slice(start, start + 100).filter((r) => r === "precise-00002").length;
          assert.ok(Math.abs(small - 10) <= 1, `requests ${start}..${start + 99}: ${small} to precise-00002`);
        }
      },
    );

    await t.step("a CPU-burning function scales out under HPA cpu", async () => {
      const image = await platform.uploadBundle(`${FIXTURES}/cpu_burn`);
      await platform.putService(serviceDoc("burn", image, {
        annotations: {
          "autoscaling.knative.dev/class": "hpa.autoscaling.knative.dev",
          "autoscaling.knative.dev/metric": "cpu",
          "autoscaling.knative.dev/target": "30",
          "autoscaling.knative.dev/window": "6s",
        },
      }));
      await platform.settled("burn");
      let stopLoad!: () => void;
      const stop = new Promise<void>((r) => (stopLoad = r));
      const running = load(platform, "burn", "/?ms=200", 2, stop);
      try {
        await until("HPA cpu scale out", 20_000, () => replicas(platform, "burn-00001"), (n) => n >= 2);
      } finally {
        stopLoad();
        await running;
      }
    });

    await t.step("a heap-growing function scales out under HPA memory", async () => {
      const image = await platform.uploadBundle(`${FIXTURES}/heap_grow`);
      await platform.putService(serviceDoc("heap", image, {
        annotations: {
          "autoscaling.knative.dev/class": "hpa.autoscaling.knative.dev",
          "autoscaling.knative.dev/metric": "memory",
          "autoscaling.knative.dev/target": "40",
          "autoscaling.knative.dev/window": "6s",
        },
      }));
      await platform.settled("heap");
      for (let i = 0; i < 10; i++) await (await platform.call("heap", "/?mb=10")).text();
      await until("HPA memory scale out", 20_000, () => replicas(platform, "heap-00001"), (n) => n >= 2);
      // The heap it scaled on is the isolates' own measurement, and /metrics shows it.
      const metrics = await (await platform.admin("/metrics")).text();
      const heap = Number(
        metrics.match(/denative_revision_heap_bytes\{[^}]*revision="heap-00001"\} (\d+)/)?.[1],
      );
      assert.ok(heap > 50 * 1024 * 1024, `heap of heap-00001 on /metrics: ${heap}`);
    });

    await t.step("a schedule window raises the floor, and lifts it when it ends", async () => {
      const start = new Date(Date.now() + 3000);
      const end = new Date(start.getTime() + 7000);
      const schedule = JSON.stringify([{
        start: cronAt(start),
        end: cronAt(end),
        minScale: 3,
        timezone: "UTC",
      }]);
      await platform.putService(serviceDoc("cron", slowImage, {
        annotations: {
          "autoscaling.denative.dev/schedule": schedule,
          "autoscaling.knative.dev/window": "6s",
        },
      }));
      await platform.settled("cron");
      await until(
        "the floor is raised in the window",
        12_000,
        () => replicas(platform, "cron-00001"),
        (n) => n >= 3,
      );
      assert.ok(Date.now() >= start.getTime() - 500, "raised before the window opened");
      await until(
        "the floor is lifted after the window",
        20_000,
        () => replicas(platform, "cron-00001"),
        (n) => n < 3,
      );
      assert.ok(Date.now() >= end.getTime() - 500, "lifted before the window closed");
    });

    await t.step("an event for a Service at zero waits for its cold start instead of failing", async () => {
      await until("the counter at zero", 20_000, () => replicas(platform, "counter-00001"), (n) => n === 0);
      const eventing = "/apis/eventing.knative.dev/v1/namespaces/default";
      for (
        const [path, doc] of [
          [`${eventing}/brokers/zero`, {
            apiVersion: "eventing.knative.dev/v1",
            kind: "Broker",
            metadata: { name: "zero" },
          }],
          [`${eventing}/triggers/to-counter`, {
            apiVersion: "eventing.knative.dev/v1",
            kind: "Trigger",
            metadata: { name: "to-counter" },
            spec: {
              broker: "zero",
              delivery: { retry: 0 },
              subscriber: { ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: "counter" } },
            },
          }],
        ] as const
      ) {
        await platform.adminJson(path, {
          method: "PUT",
          body: JSON.stringify(doc),
          headers: { "content-type": "application/json" },
        });
      }
      await until("the trigger ready", 10_000, async () => {
        const trigger = await platform.adminJson<
          { status?: { conditions?: { type: string; status: string }[] } }
        >(
          `${eventing}/triggers/to-counter`,
        );
        return trigger.status?.conditions?.find((c) => c.type === "Ready")?.status === "True" ? 1 : 0;
      }, (n) => n === 1);
      assert.equal(await replicas(platform, "counter-00001"), 0);
      // retry: 0 — a delivery that failed at the cold start would be dead on the first attempt.
      const res = await fetch(`http://127.0.0.1:${platform.port}/broker/default/zero`, {
        method: "POST",
        body: "{}",
        headers: {
          "content-type": "application/json",
          "ce-specversion": "1.0",
          "ce-id": "at-zero-1",
          "ce-source": "/test",
          "ce-type": "test.at.zero",
        },
      });
      await res.body?.cancel();
      assert.equal(res.status, 202);
      await until("the event delivered", 10_000, async () => {
        const counts = await (await platform.call("counter")).json();
        return counts.distinct;
      }, (n) => n === 1);
      assert.doesNotMatch(platform.logs, /event at-zero-1 dropped/);
    });
  } finally {
    await platform.stop();
  }
});
