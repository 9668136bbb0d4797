/// <reference lib="deno.worker" />
/**
 * Bootstrap of one instance: a worker isolate that loads a revision's code and serves the requests
 * its host relays. It speaks the wire protocol's frames as `[type, stream, payload]` messages.
 */
import {
  decodeHead,
  EMPTY,
  encodeHead,
  FrameType,
  headerPairs,
  jsonPayload,
  readU32,
  type RequestHead,
  type ResponseHead,
  u32Payload,
} from "./protocol.ts";
import type { Bytes } from "./protocol.ts";
import { BodyReceiver, CreditGate, prepareBody, pumpBody } from "./body_channel.ts";
import type { FunctionContext, FunctionModule } from "./types.ts";
import process from "node:process";

export interface InstanceInit {
  instance: number;
  moduleUrl: string;
  service: string;
  namespace: string;
  revision: string;
  env: Record<string, string>;
}

interface InFlight {
  abort: AbortController;
  receiver?: BodyReceiver;
  gate?: CreditGate;
}

const STATS_INTERVAL_MS = 1000;

let instance = 0;
let module: FunctionModule;
let ctx: FunctionContext;
const inFlight = new Map<number, InFlight>();

/** Frames of this event-loop turn, posted to the host as one message (one hop for many requests). */
let outgoing: [FrameType, number, Bytes][] = [];

function post(type: FrameType, stream: number, payload: Bytes = EMPTY) {
  // Not transferred: the bytes may belong to the function (a cached Uint8Array it returns every time).
  if (outgoing.length === 0) setImmediate(flush);
  outgoing.push([type, stream, payload]);
}

function flush() {
  const frames = outgoing;
  outgoing = [];
  if (!warmingUp) self.postMessage(frames);
}

/**
 * A spare worker runs one request through its own serving path before it is given any code, so the
 * first real request after a cold start does not pay for compiling that path (about 8 ms here).
 */
let warmingUp = false;
async function warmUp() {
  warmingUp = true;
  module = { fetch: async (req) => new Response(`warm ${req.method} ${(await req.text()).length}`) };
  ctx = { service: "", namespace: "", revision: "warm-up", env: {} };
  const head = {
    method: "POST",
    url: "http://warm.up/",
    headers: [["content-type", "text/plain"]],
    body: "inline",
  };
  await serve(0, encodeHead(head, new TextEncoder().encode("warm-up body")));
  await new Promise((resolve) => setImmediate(resolve));
  outgoing = [];
  warmingUp = false;
}

/** The function sees only the environment its Service declares. */
function installEnv(env: Record<string, string>) {
  const vars = new Map(Object.entries(env));
  const shim: Deno.Env = {
    get: (key) => vars.get(key),
    has: (key) => vars.has(key),
    set: (key, value) => void vars.set(key, value),
    delete: (key) => void vars.delete(key),
    toObject: () => Object.fromEntries(vars),
  };
  Object.defineProperty(Deno, "env", { value: shim, configurable: true });
  try {
    Object.defineProperty(process, "env", {
      value: Object.fromEntries(vars),
      configurable: true,
      writable: true,
    });
  } catch {
    // node:process may refuse; Deno.env is the documented way in.
  }
}

async function load(init: InstanceInit) {
  instance = init.instance;
  installEnv(init.env);
  ctx = Object.freeze({
    service: init.service,
    namespace: init.namespace,
    revision: init.revision,
    env: Object.freeze({ ...init.env }),
  });
  try {
    const mod = await import(init.moduleUrl);
    const exported = mod.default;
    if (!exported || typeof exported.fetch !== "function") {
      throw new TypeError("main.ts must default-export an object with a fetch(request, ctx) method");
    }
    module = exported as FunctionModule;
    post(FrameType.InstanceReady, instance);
    setInterval(sendStats, STATS_INTERVAL_MS);
  } catch (err) {
    post(FrameType.InstanceFailed, instance, jsonPayload({ error: describe(err) }));
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

function sendStats() {
  const mem = Deno.memoryUsage();
  const cpu = process.threadCpuUsage();
  post(
    FrameType.Heartbeat,
    instance,
    jsonPayload({ heapUsed: mem.heapUsed, external: mem.external, cpuMicros: cpu.user + cpu.system }),
  );
}

async function serve(id: number, payload: Bytes) {
  const { head, inline } = decodeHead<RequestHead>(payload);
  const state: InFlight = { abort: new AbortController() };
  inFlight.set(id, state);
  let body: BodyInit | null = null;
  if (head.body === "inline") body = inline;
  else if (head.body === "stream") {
    state.receiver = new BodyReceiver((n) => post(FrameType.Window, id, u32Payload(n)), () => {});
    body = state.receiver.stream;
  }
  let response: Response;
  try {
    const request = new Request(head.url, {
      method: head.method,
      headers: head.headers,
      body,
      signal: state.abort.signal,
    });
    response = await module.fetch(request, ctx);
    if (!(response instanceof Response)) throw new TypeError("fetch() must return a Response");
  } catch (err) {
    // The stack goes to the logs, never to the caller.
    console.error(`${ctx.revision}: ${head.method} ${new URL(head.url).pathname} threw:`, err);
    if (inFlight.delete(id)) post(FrameType.ResponseError, id, jsonPayload({ message: describe(err) }));
    return;
  }
  if (!inFlight.has(id)) {
    response.body?.cancel().catch(() => {});
    return;
  }
  let prepared;
  try {
    prepared = await prepareBody(response.body);
  } catch (err) {
    console.error(`${ctx.revision}: reading the response body failed:`, err);
    if (inFlight.delete(id)) post(FrameType.ResponseError, id, jsonPayload({ message: describe(err) }));
    return;
  }
  const responseHead: ResponseHead = {
    status: response.status,
    statusText: response.statusText,
    headers: headerPairs(response.headers),
    body: prepared.mode,
  };
  if (!prepared.rest) {
    inFlight.delete(id);
    post(FrameType.Response, id, encodeHead(responseHead, prepared.inline));
    return;
  }
  post(FrameType.ResponseHead, id, encodeHead(responseHead));
  {
    state.gate = new CreditGate();
    await pumpBody(prepared.rest, state.gate, {
      chunk: (bytes) => post(FrameType.Body, id, bytes),
      end: () => post(FrameType.End, id),
      abort: (reason) => {
        console.error(`${ctx.revision}: the response body failed: ${reason}`);
        post(FrameType.Abort, id, jsonPayload({ reason }));
      },
    });
  }
  inFlight.delete(id);
}

function onFrame(type: FrameType, stream: number, payload: Bytes) {
  switch (type) {
    case FrameType.RequestHead:
      serve(stream, payload);
      return;
    case FrameType.Body:
      inFlight.get(stream)?.receiver?.push(payload);
      return;
    case FrameType.End:
      inFlight.get(stream)?.receiver?.end();
      return;
    case FrameType.Window:
      inFlight.get(stream)?.gate?.grant(readU32(payload));
      return;
    case FrameType.Abort: {
      const state = inFlight.get(stream);
      if (!state) return;
      inFlight.delete(stream);
      state.abort.abort(new DOMException("The caller went away or the request timed out", "AbortError"));
      state.receiver?.abort("request aborted");
      state.gate?.cancel();
      return;
    }
    case FrameType.Ping:
      post(FrameType.Pong, instance);
      return;
  }
}

// A function's stray async error is logged; the instance keeps serving.
self.addEventListener("unhandledrejection", (e) => {
  e.preventDefault();
  console.error(`${ctx?.revision ?? "instance"}: unhandled rejection:`, e.reason);
});
self.addEventListener("error", (e) => {
  e.preventDefault();
  console.error(`${ctx?.revision ?? "instance"}: uncaught error:`, e.error ?? e.message);
});

const warm = warmUp();

self.onmessage = async (e: MessageEvent) => {
  await warm;
  const data = e.data;
  if (Array.isArray(data)) { for (const [type, stream, payload] of data) onFrame(type, stream, payload); }
  else if (data?.init) load(data.init as InstanceInit);
};
