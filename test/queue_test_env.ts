/**
 * What the message-server integration tests (Redis, RabbitMQ, NATS) share: whether a server on this
 * machine accepts a TCP connection (the test is skipped with a one-line reason when it does not,
 * and fails instead under CI=true), and small helpers for source resources and their status.
 */
import assert from "node:assert/strict";
import { eventually, Platform } from "./harness.ts";
export { eventually };
import { condition, type Conditioned } from "./resources.ts";
export { condition, type Conditioned, putResource, serviceSink } from "./resources.ts";
export { serverTest } from "./server_test.ts";

export const REDIS = { hostname: "127.0.0.1", port: 6379 };
export const RABBITMQ = { hostname: "127.0.0.1", port: 5672 };
export const NATS = { hostname: "127.0.0.1", port: 4222 };

/** undefined when the server accepts a connection, else why not. */
export async function unreachable(
  what: string,
  at: { hostname: string; port: number },
): Promise<string | undefined> {
  try {
    const conn = await Deno.connect({ ...at, signal: AbortSignal.timeout(2_000) });
    conn.close();
    return undefined;
  } catch (error) {
    return `${what} is not reachable at ${at.hostname}:${at.port} (${
      error instanceof Error ? error.message : error
    })`;
  }
}

/** The Ready condition's status and reason of a resource, as last read. */
export async function readiness(
  platform: Platform,
  path: string,
): Promise<{ status?: string; reason?: string }> {
  const obj = await platform.adminJson<Conditioned>(path);
  const ready = condition(obj);
  return { status: ready?.status, reason: ready?.reason };
}

/** The value of a counter series on /metrics whose labels include all of `labels` (0 when absent). */
export async function metric(
  platform: Platform,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const text = await (await platform.admin("/metrics")).text();
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) {
      return Number(line.split(" ").pop());
    }
  }
  return 0;
}

export async function replicas(platform: Platform, revision: string): Promise<number> {
  const rev = await platform.adminJson<{ status?: { actualReplicas?: number } }>(
    `/apis/serving.knative.dev/v1/namespaces/default/revisions/${revision}`,
  );
  return rev.status?.actualReplicas ?? 0;
}

const ROOT = new URL("../", import.meta.url).pathname;

/** Runs the `dn` command-line client against a platform; its exit code and output. */
export async function dn(
  platform: Platform,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", `${ROOT}platform/cli/main.ts`, ...args],
    cwd: ROOT,
    env: {
      NO_COLOR: "1",
      DENATIVE_ADMIN: `http://127.0.0.1:${platform.adminPort}`,
      DENATIVE_TOKEN: platform.token,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

/**
 * A sink in the test process for kill tests: answers the first `answerFirst` events at once, then
 * holds every further request until `open()`, so that a platform killed meanwhile surely is
 * mid-stream. Every request is recorded as it arrives (ids, duplicates included).
 */
export class GatedSink {
  readonly ids: string[] = [];
  #open = false;
  #release: (() => void)[] = [];
  #server: Deno.HttpServer<Deno.NetAddr>;

  constructor(private readonly answerFirst: number) {
    this.#server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
      this.ids.push(req.headers.get("ce-id") ?? "");
      await req.arrayBuffer();
      if (!this.#open && this.ids.length > this.answerFirst) {
        await new Promise<void>((r) => this.#release.push(r));
      }
      return new Response(null, { status: 202 });
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.#server.addr.port}/`;
  }

  /** Requests waiting at the gate. */
  get held(): number {
    return this.#release.length;
  }

  get distinct(): number {
    return new Set(this.ids).size;
  }

  open() {
    this.#open = true;
    for (const release of this.#release.splice(0)) release();
  }

  async close() {
    this.open();
    await this.#server.shutdown();
  }
}

/** One transport's part in {@link survivesPlatformKill}. */
export interface KillScenario {
  /** "messages" or "entries": how the transport's units read in the test's lines. */
  units: string;
  /** Applies the source under test, delivering to `sinkUrl`, and waits until it is Ready. */
  apply(platform: Platform, sinkUrl: string): Promise<void>;
  publish(total: number): Promise<void>;
  /** true once the server holds nothing the source has not acknowledged. */
  drained(): Promise<boolean>;
  /** The source's events counter and the labels of its `redelivered` series. */
  redeliveries: { metric: string; labels: Record<string, string> };
}

/**
 * The at-least-once proof every queue source shares: `total` messages published, the platform
 * killed while deliveries are held at a gated sink, restarted on the same state; every message then
 * arrives, the server ends with nothing unacknowledged, and duplicates are no more than the
 * redeliveries the source counted.
 */
export async function survivesPlatformKill(scenario: KillScenario, total = 1_000): Promise<void> {
  const sink = new GatedSink(250);
  let platform = await Platform.start();
  try {
    await scenario.apply(platform, sink.url);
    await scenario.publish(total);
    await eventually(
      "deliveries held at the gate",
      () => Promise.resolve(sink.held > 0 || undefined),
      30_000,
      5,
    );
    await platform.kill();
    const beforeKill = sink.ids.length;
    assert.ok(beforeKill < total, "killed before the end");
    sink.open();
    platform = await Platform.start({ state: platform.state });
    await eventually(
      `every one of the ${scenario.units} after the restart`,
      () => Promise.resolve(sink.distinct === total || undefined),
      60_000,
      50,
    );
    await eventually("all acknowledged", async () => await scenario.drained() || undefined, 30_000);
    const received = sink.ids.length;
    const redelivered = await metric(platform, scenario.redeliveries.metric, {
      ...scenario.redeliveries.labels,
      result: "redelivered",
    });
    console.log(
      `  killed after ${beforeKill} of ${total} ${scenario.units}; ${
        received - total
      } duplicate(s), ${redelivered} counted redeliveries`,
    );
    assert.ok(
      received - total <= redelivered,
      `duplicates ${received - total} <= counted redeliveries ${redelivered}`,
    );
  } finally {
    await platform.stop();
    await sink.close();
  }
}
