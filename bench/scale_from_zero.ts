/**
 * Cold start from zero (issue 3): a request reaching a revision that has no instance, held by the
 * activator until one is ready, timed end to end over HTTP by the caller. Measured only when the
 * platform shows it can scale to zero.
 *
 * Waiting for one revision to reach zero takes a stable window (6 s, Knative's least) plus the grace
 * period (the bench starts the platform with 1 s), so several services wait in parallel and each
 * round calls each of them once, a little apart: a burst of back-to-back cold starts of different
 * revisions would measure the platform's warm-host refill instead.
 */
import { hostFetch, type Platform, serviceDoc } from "../test/harness.ts";
import { type HelloVariant, writeHelloVariant } from "./hello_variant.ts";

const SERVICES = "/apis/serving.knative.dev/v1/namespaces/default/services";
const REVISIONS = "/apis/serving.knative.dev/v1/namespaces/default/revisions";

/** What the platform is started with so that idle revisions reach zero quickly. */
export const SCALE_TO_ZERO_ENV = { DENATIVE_SCALE_TO_ZERO_GRACE_PERIOD: "1s" };

export type Capability = { supported: true } | { supported: false; why: string };

/**
 * The autoscaler's cold-start histogram (issue 3 puts "cold starts and their duration" in /metrics)
 * exists only once it runs; without it nothing scales to zero.
 */
export async function scaleToZeroCapability(platform: Platform): Promise<Capability> {
  const res = await platform.admin("/metrics");
  const text = await res.text();
  if (!res.ok) return { supported: false, why: `/metrics answered ${res.status}` };
  if (/^(# TYPE )?denative_\w*cold_start/m.test(text)) return { supported: true };
  return { supported: false, why: "the autoscaler is not wired in (no cold-start metrics in /metrics)" };
}

export interface FromZeroOptions {
  services: number;
  rounds: number;
  /** Pause between two cold starts within a round, ms. */
  spacingMs: number;
  /** Where the services' code is written. */
  workDir: string;
  /** The code each service runs (default: a hello variant). */
  variant?: (parent: string, label: string) => Promise<HelloVariant>;
  /** Service names are `{prefix}-{i}` (default `zero`). */
  prefix?: string;
}

/** One kind of function measured beside others: its services are `{prefix}-{i}`. */
export interface FromZeroSet {
  prefix: string;
  variant?: (parent: string, label: string) => Promise<HelloVariant>;
}

export type FromZero = { measured: true; samplesMs: number[]; note: string } | {
  measured: false;
  why: string;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function actualReplicas(platform: Platform, revision: string): Promise<number | undefined> {
  const res = await platform.admin(`${REVISIONS}/${revision}`);
  if (!res.ok) {
    await res.body?.cancel();
    return undefined;
  }
  return ((await res.json()) as { status?: { actualReplicas?: number } }).status?.actualReplicas;
}

async function allAtZero(platform: Platform, revisions: string[], timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  let waiting = [...revisions];
  while (waiting.length > 0) {
    if (Date.now() > until) return false;
    const replicas = await Promise.all(waiting.map((r) => actualReplicas(platform, r)));
    waiting = waiting.filter((_, i) => replicas[i] !== 0);
    if (waiting.length > 0) await sleep(250);
  }
  return true;
}

export async function coldStartFromZero(platform: Platform, opts: FromZeroOptions): Promise<FromZero> {
  const [only] = await coldStartsFromZero(platform, opts, [{
    prefix: opts.prefix ?? "zero",
    variant: opts.variant,
  }]);
  return only;
}

/**
 * Several kinds of function measured side by side: each round calls service i of every set in turn,
 * so a machine that gets busier or quieter during the run weighs on all of them alike.
 */
export async function coldStartsFromZero(
  platform: Platform,
  opts: Omit<FromZeroOptions, "variant" | "prefix">,
  sets: FromZeroSet[],
): Promise<FromZero[]> {
  const services = sets.map((set) =>
    Array.from(
      { length: opts.services },
      (_, i) => ({ set, name: `${set.prefix}-${i}`, greeting: "", rev: "" }),
    )
  );
  const all = services.flat();
  const failed = (why: string) => sets.map((): FromZero => ({ measured: false, why }));
  try {
    for (const s of all) {
      const variant = await (s.set.variant ?? writeHelloVariant)(opts.workDir, s.name);
      s.greeting = variant.greeting;
      const image = await platform.uploadBundle(variant.dir);
      await platform.putService(
        serviceDoc(s.name, image, { annotations: { "autoscaling.knative.dev/window": "6s" } }),
      );
    }
    for (const s of all) {
      const svc = await platform.settled(s.name, "default", 120_000);
      const rev = svc.status?.latestReadyRevisionName;
      if (!rev) {
        const ready = svc.status?.conditions?.find((c) => c.type === "Ready");
        return failed(`${s.name} did not become ready: ${ready?.reason} ${ready?.message ?? ""}`);
      }
      s.rev = rev;
    }
    const samples = sets.map((): number[] => []);
    for (let round = 0; round < opts.rounds; round++) {
      if (!await allAtZero(platform, all.map((s) => s.rev), 30_000)) {
        return failed("the revisions did not reach zero within 30 s of going idle");
      }
      for (let i = 0; i < opts.services; i++) {
        for (const [k, list] of services.entries()) {
          const s = list[i];
          const host = `${s.name}.default.localhost:${platform.port}`;
          const t0 = performance.now();
          const res = await hostFetch(platform.port, host, "/");
          const body = await res.text();
          const ms = performance.now() - t0;
          if (res.status !== 200 || !body.startsWith(s.greeting)) {
            return failed(`a request at zero to ${s.name} got ${res.status}: ${body.slice(0, 120)}`);
          }
          samples[k].push(ms);
          await sleep(opts.spacingMs);
        }
      }
    }
    const beside = sets.length > 1 ? `, interleaved with ${sets.map((s) => s.prefix).join(", ")}` : "";
    return samples.map((samplesMs) => ({
      measured: true,
      samplesMs,
      note: `${opts.services} services × ${opts.rounds} rounds, ${opts.spacingMs} ms apart, ` +
        `window 6s + grace 1s; new connection per request${beside}`,
    }));
  } finally {
    for (const s of all) {
      const res = await platform.admin(`${SERVICES}/${s.name}`, { method: "DELETE" }).catch(() => undefined);
      await res?.body?.cancel();
    }
  }
}
