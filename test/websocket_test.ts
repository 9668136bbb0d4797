/**
 * WebSockets through the platform: a function calls Deno.upgradeWebSocket, the data plane holds the
 * client's socket and relays messages over the instance link, both by path and by host.
 */
import assert from "node:assert/strict";
import { eventually, FIXTURES, Platform, serviceDoc } from "./harness.ts";
import NodeWebSocket from "ws";

const ECHO = `${FIXTURES}/websocket_echo`;

/** Messages and the close of one client socket, waited for in order. */
class Client {
  messages: (string | Uint8Array)[] = [];
  closed: Promise<{ code: number; reason: string }>;
  opened: Promise<void>;
  #waiters: (() => void)[] = [];

  constructor(readonly ws: WebSocket) {
    ws.binaryType = "arraybuffer";
    this.opened = new Promise((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onerror = (e) => reject(new Error(`socket error: ${(e as ErrorEvent).message}`));
    });
    this.closed = new Promise((resolve) => (ws.onclose = (e) => resolve({ code: e.code, reason: e.reason })));
    ws.onmessage = (e) => {
      this.messages.push(typeof e.data === "string" ? e.data : new Uint8Array(e.data));
      for (const w of this.#waiters.splice(0)) w();
    };
  }

  async next(count = this.messages.length + 1): Promise<string | Uint8Array> {
    while (this.messages.length < count) await new Promise<void>((r) => this.#waiters.push(r));
    return this.messages[count - 1];
  }
}

function byPath(platform: Platform, service: string): Client {
  return new Client(new WebSocket(`ws://127.0.0.1:${platform.port}/function/${service}/chat`));
}

Deno.test("a WebSocket echo works by path: text, binary, a 1 MiB message and the close code", async () => {
  const platform = await Platform.start({ functions: { echo: ECHO } });
  try {
    await platform.settled("echo");
    const client = byPath(platform, "echo");
    await client.opened;
    client.ws.send("hello");
    assert.deepEqual(await client.next(), "hello");
    client.ws.send(new Uint8Array([0, 1, 2, 255]));
    assert.deepEqual(await client.next(), new Uint8Array([0, 1, 2, 255]));
    const big = new Uint8Array(1024 * 1024).map((_, i) => i % 251);
    client.ws.send(big);
    assert.deepEqual(await client.next(), big);
    client.ws.send("close:4321:bye now");
    assert.deepEqual(await client.closed, { code: 4321, reason: "bye now" });
  } finally {
    await platform.stop();
  }
});

Deno.test("a WebSocket echo works by host; ping is answered; the client's close code reaches the function", async () => {
  const platform = await Platform.start({ functions: { echo: ECHO } });
  try {
    await platform.settled("echo");
    const ws = new NodeWebSocket(`ws://127.0.0.1:${platform.port}/`, {
      headers: { host: `echo.default.localhost:${platform.port}` },
    });
    const got: (string | Uint8Array)[] = [];
    const closed = new Promise<number>((resolve) => ws.on("close", (code: number) => resolve(code)));
    await new Promise((resolve, reject) => {
      ws.on("open", resolve);
      ws.on("error", reject);
    });
    const twoMessages = new Promise<void>((resolve) =>
      ws.on("message", (data: Uint8Array, isBinary: boolean) => {
        got.push(isBinary ? new Uint8Array(data) : new TextDecoder().decode(data));
        if (got.length === 2) resolve();
      })
    );
    ws.send("by host");
    ws.send(new Uint8Array([9, 8, 7]));
    await twoMessages;
    assert.deepEqual(got, ["by host", new Uint8Array([9, 8, 7])]);
    const pong = new Promise<string>((resolve) => ws.on("pong", (data: Uint8Array) => resolve(String(data))));
    ws.ping("are you there");
    assert.equal(await pong, "are you there");
    ws.close(4000, "client done");
    assert.equal(await closed, 4000);
    await eventually("the function to see the close", async () => {
      const text = await (await platform.call("echo", "/last-close")).text();
      return text === "4000 client done" ? text : undefined;
    });
  } finally {
    await platform.stop();
  }
});

Deno.test("1,000 messages each way arrive in order", async () => {
  const platform = await Platform.start({ functions: { echo: ECHO } });
  try {
    await platform.settled("echo");
    const client = byPath(platform, "echo");
    await client.opened;
    for (let i = 0; i < 1000; i++) client.ws.send(`message ${i}`);
    await client.next(1000);
    assert.deepEqual(client.messages, Array.from({ length: 1000 }, (_, i) => `message ${i}`));
    client.ws.close(1000);
    assert.deepEqual((await client.closed).code, 1000);
  } finally {
    await platform.stop();
  }
});

/** The Revision's actualReplicas. */
async function replicas(platform: Platform, revision: string): Promise<number> {
  const rev = await platform.adminJson<{ status?: { actualReplicas?: number } }>(
    `/apis/serving.knative.dev/v1/namespaces/default/revisions/${revision}`,
  );
  return rev.status?.actualReplicas ?? 0;
}

Deno.test("an instance with an open socket survives the scale-to-zero window", async () => {
  const platform = await Platform.start({ env: { DENATIVE_SCALE_TO_ZERO_GRACE_PERIOD: "1s" } });
  try {
    const image = await platform.uploadBundle(ECHO);
    const annotations = { "autoscaling.knative.dev/window": "6s" };
    await platform.putService(serviceDoc("echo", image, { annotations }));
    await platform.putService(serviceDoc("control", image, { annotations }));
    await platform.settled("echo");
    await platform.settled("control");
    const client = byPath(platform, "echo");
    await client.opened;
    // The control revision, as idle as the socket and with the same window, reaching zero is the signal.
    await eventually(
      "the control revision to scale to zero",
      async () => (await replicas(platform, "control-00001")) === 0 ? true : undefined,
      30_000,
      250,
    );
    assert.ok((await replicas(platform, "echo-00001")) >= 1);
    client.ws.send("still here");
    assert.equal(await client.next(), "still here");
    client.ws.close(1000);
    await client.closed;
  } finally {
    await platform.stop();
  }
});

Deno.test("a rollout closes the old revision's sockets with 1001; new sockets reach the new revision", async () => {
  const platform = await Platform.start({ env: { DENATIVE_WEBSOCKET_CLOSE_GRACE: "1s" } });
  try {
    const image = await platform.uploadBundle(ECHO);
    await platform.putService(serviceDoc("echo", image));
    await platform.settled("echo");
    const old = byPath(platform, "echo");
    await old.opened;
    old.ws.send("revision");
    assert.equal(await old.next(), "echo-00001");
    await platform.putService(serviceDoc("echo", image, { spec: { containerConcurrency: 5 } }));
    const svc = await platform.settled("echo");
    assert.equal(svc.status?.latestReadyRevisionName, "echo-00002");
    const closed = await old.closed;
    assert.equal(closed.code, 1001);
    const fresh = byPath(platform, "echo");
    await fresh.opened;
    fresh.ws.send("revision");
    assert.equal(await fresh.next(), "echo-00002");
    fresh.ws.close(1000);
    await fresh.closed;
  } finally {
    await platform.stop();
  }
});

Deno.test("a slow client slows the function's sends: its bufferedAmount grows, not the platform's memory", async () => {
  const platform = await Platform.start({ functions: { echo: ECHO } });
  try {
    await platform.settled("echo");
    const ws = new NodeWebSocket(`ws://127.0.0.1:${platform.port}/function/echo/`);
    let received = 0;
    const flooded = new Promise<void>((resolve) =>
      ws.on("message", (data: Uint8Array, isBinary: boolean) => {
        if (isBinary) received += data.byteLength;
        else if (String(data) === "flooded") resolve();
      })
    );
    await new Promise((resolve, reject) => {
      ws.on("open", resolve);
      ws.on("error", reject);
    });
    ws.pause();
    ws.send("flood:64");
    // Only credit withheld by the platform makes the function's own buffer pass 8 MiB.
    await eventually("the function to feel the backpressure", async () => {
      const max = Number(await (await platform.call("echo", "/flood")).text());
      return max > 8 * 1024 * 1024 ? max : undefined;
    });
    ws.resume();
    await flooded;
    assert.equal(received, 64 * 1024 * 1024);
    ws.close(1000);
  } finally {
    await platform.stop();
  }
});

Deno.test("idleTimeoutSeconds closes an idle socket; timeoutSeconds stops counting at the upgrade", async () => {
  const platform = await Platform.start();
  try {
    const image = await platform.uploadBundle(ECHO);
    await platform.putService(
      serviceDoc("echo", image, { spec: { timeoutSeconds: 1, idleTimeoutSeconds: 2 } }),
    );
    await platform.settled("echo");
    const client = byPath(platform, "echo");
    await client.opened;
    client.ws.send("one message, then silence");
    await client.next();
    const closed = await client.closed;
    assert.equal(closed.code, 1001);
    assert.match(closed.reason, /^idle for \d+s$/);
  } finally {
    await platform.stop();
  }
});

/** A revision's gauge from /metrics. */
async function gauge(platform: Platform, name: string, revision: string): Promise<number | undefined> {
  const text = await (await platform.admin("/metrics")).text();
  const line = text.split("\n").find((l) => l.startsWith(name) && l.includes(`"${revision}"`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}

Deno.test("an open socket is a request in flight: with containerConcurrency 1 and one instance, the next waits", async () => {
  const platform = await Platform.start();
  try {
    const image = await platform.uploadBundle(ECHO);
    await platform.putService(serviceDoc("echo", image, {
      spec: { containerConcurrency: 1 },
      annotations: { "autoscaling.knative.dev/max-scale": "1" },
    }));
    await platform.settled("echo");
    const first = byPath(platform, "echo");
    await first.opened;
    assert.equal(await gauge(platform, "denative_revision_requests_in_flight", "echo-00001"), 1);
    const order: string[] = [];
    const second = byPath(platform, "echo");
    second.opened.then(() => order.push("second opened"));
    await eventually(
      "the second upgrade to be held",
      async () =>
        (await gauge(platform, "denative_revision_requests_queued", "echo-00001")) === 1 ? true : undefined,
    );
    order.push("first closing");
    first.ws.close(1000);
    await first.closed;
    await second.opened;
    assert.deepEqual(order, ["first closing", "second opened"]);
    second.ws.send("now me");
    assert.equal(await second.next(), "now me");
    second.ws.close(1000);
    await second.closed;
  } finally {
    await platform.stop();
  }
});

Deno.test("on shutdown an open socket is closed with 1001 after the grace period", async () => {
  const platform = await Platform.start({
    functions: { echo: ECHO },
    env: { DENATIVE_WEBSOCKET_CLOSE_GRACE: "1s" },
  });
  let stopping: Promise<void> | undefined;
  try {
    await platform.settled("echo");
    const client = byPath(platform, "echo");
    await client.opened;
    stopping = platform.stop();
    const closed = await client.closed;
    assert.deepEqual(closed, { code: 1001, reason: "the platform is shutting down" });
  } finally {
    await (stopping ?? platform.stop());
  }
});
