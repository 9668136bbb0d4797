/// <reference lib="deno.worker" />
/**
 * Bootstrap of one instance: a worker isolate that loads a revision's code and serves requests.
 * Its pool host starts it with a postMessage; from then on it talks to the supervisor over its own
 * link, a unix socket (requests, bodies, pings, stats), opened before the function's code is loaded.
 */
import {
  decodeRequestHead,
  EMPTY,
  forEachFrame,
  FrameReader,
  FrameType,
  FrameWriter,
  headFrame,
  jsonPayload,
  readU32,
  requestHeadText,
  responseHeadText,
  u32Payload,
} from "./protocol.ts";
import type { Bytes } from "./protocol.ts";
import { BodyReceiver, CreditGate, prepareBody, pumpBody } from "./body_channel.ts";
import { requestFromParts, requestWithSignal, staticBody } from "./deno_internals.ts";
import type { FunctionContext, FunctionModule } from "./types.ts";
import {
  callFunction,
  describeError,
  functionContext,
  functionEnv,
  FunctionFailed,
  installFunctionEnv,
  loadFunction,
} from "./function_adapter.ts";
import process from "node:process";
import { InstanceSockets } from "./relayed_websocket.ts";
import { installVolumePaths, type VolumeMount } from "./volume_paths.ts";
import { captureConsole } from "./log_capture.ts";
import { runWithTrace, traceHeadersOf } from "./trace_context.ts";
import { IdTable } from "./id_table.ts";

export interface InstanceInit {
  instance: number;
  moduleUrl: string;
  service: string;
  namespace: string;
  revision: string;
  /** The revision's Configuration (a Service's has the Service's name). */
  configuration?: string;
  env: Record<string, string>;
  /** Its volumes: where the function sees them and where they are. */
  mounts?: VolumeMount[];
  /** Where and how to connect to the supervisor. */
  link: { path: string; token: string };
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
/** By stream number (an IdTable, not a Map: see there). */
const inFlight = new IdTable<InFlight>();

/** Frames to the supervisor, one socket write per event-loop turn; nowhere until the link is up. */
let out = new FrameWriter({ write: (bytes: Bytes) => Promise.resolve(bytes.byteLength) });

function post(type: FrameType, stream: number, payload: Bytes = EMPTY) {
  out.write(type, stream, payload);
}

/** The function's WebSockets: `Deno.upgradeWebSocket` answers requests that came over the link. */
const sockets = new InstanceSockets(post);

/**
 * A spare worker runs one request through its own serving path before it is given any code, so the
 * first real request after a cold start does not pay for compiling that path (about 8 ms here).
 * Its reply goes nowhere: the link is not up yet.
 */
async function warmUp() {
  module = { fetch: async (req) => new Response(`warm ${req.method} ${(await req.text()).length}`) };
  ctx = { service: "", namespace: "", revision: "warm-up", env: {} };
  const headers = new Headers({ "content-type": "text/plain" });
  const head = (method: string, mode: "inline" | "none") =>
    requestHeadText(method, "http://warm.up/", headers, mode, "127.0.0.1");
  await warmServe(headFrame(FrameType.RequestHead, 0, head("POST", "inline"), "warm-up body"));
  // And a body-less one: those take another way (requestFromParts) and answer as text.
  await warmServe(headFrame(FrameType.RequestHead, 0, head("GET", "none")));
}

async function warmServe(frame: Bytes) {
  let served: Promise<void> | undefined;
  forEachFrame(frame, (_type, _stream, payload) => (served = serve(0, payload)));
  await served;
}

/** Opens the link and serves what comes over it; when the supervisor closes it, the instance ends. */
async function connect(link: InstanceInit["link"]) {
  const conn = await Deno.connect({ transport: "unix", path: link.path });
  // The function must not reach the link socket: what let us connect goes before its code loads.
  await Deno.permissions.revoke({ name: "read", path: link.path });
  await Deno.permissions.revoke({ name: "write", path: link.path });
  out = new FrameWriter(conn);
  out.write(FrameType.Hello, 0, jsonPayload({ token: link.token }));
  (async () => {
    const reader = new FrameReader();
    // Small: every idle instance keeps one (body chunks are at most 64 KiB and may arrive in parts).
    const buf = new Uint8Array(64 * 1024);
    try {
      while (true) {
        const n = await conn.read(buf);
        if (n === null) break;
        for (const f of reader.push(buf.subarray(0, n))) onFrame(f.type, f.stream, f.payload);
      }
    } catch {
      // the supervisor went away
    }
    self.close();
  })();
}

async function load(init: InstanceInit) {
  instance = init.instance;
  // Before the function's code runs, so nothing it does at import time can touch the link.
  try {
    await connect(init.link);
  } catch (err) {
    self.postMessage({ failed: `could not connect to the supervisor: ${describe(err)}` });
    return;
  }
  const place = {
    service: init.service,
    namespace: init.namespace,
    configuration: init.configuration ?? init.service,
    revision: init.revision,
    env: init.env,
  };
  // What the function prints goes to its revision's log store, not the shared host's stderr.
  captureConsole(console, (log) => post(FrameType.Log, instance, jsonPayload(log)));
  installFunctionEnv(functionEnv(place));
  Object.defineProperty(Deno, "upgradeWebSocket", { value: sockets.upgrade, configurable: true });
  installVolumePaths(init.mounts ?? []);
  ctx = functionContext(place);
  try {
    module = await loadFunction(init.moduleUrl);
    post(FrameType.InstanceReady, instance);
    setInterval(sendStats, STATS_INTERVAL_MS);
  } catch (err) {
    post(FrameType.InstanceFailed, instance, jsonPayload({ error: describe(err) }));
  }
}

const describe = describeError;

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
  const { head, inline } = decodeRequestHead(payload);
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
    const request = body === null
      ? requestFromParts(head.method, head.url, head.headers, state.abort.signal)
      : requestWithSignal(head.url, { method: head.method, headers: head.headers, body }, state.abort.signal);
    // The request's trace stays current while the function handles it (sendEvent carries it on).
    response = await runWithTrace(traceHeadersOf(head.headers), () => callFunction(module, request, ctx));
  } catch (err) {
    // callFunction logged the stack; it goes to the logs, never to the caller.
    const message = err instanceof FunctionFailed ? err.message : describe(err);
    if (inFlight.delete(id)) post(FrameType.ResponseError, id, jsonPayload({ message }));
    return;
  }
  if (!inFlight.has(id)) {
    response.body?.cancel().catch(() => {});
    return;
  }
  if (sockets.accept(id, response)) {
    inFlight.delete(id);
    return;
  }
  // A body made from a string or bytes goes inline without being read as a stream (before
  // `response.headers` is touched: see staticBody).
  const whole = staticBody(response);
  if (whole !== undefined) {
    inFlight.delete(id);
    // As text only with a content type: one made from a string without it would get text/plain.
    const mode = typeof whole === "string" && response.headers.has("content-type") ? "text" : "inline";
    const text = responseHeadText(response.status, response.statusText, response.headers, mode);
    out.writeHead(FrameType.Response, id, text, whole);
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
  const text = responseHeadText(response.status, response.statusText, response.headers, prepared.mode);
  if (!prepared.rest) {
    inFlight.delete(id);
    out.writeHead(FrameType.Response, id, text, prepared.inline);
    return;
  }
  out.writeHead(FrameType.ResponseHead, id, text);
  state.gate = new CreditGate();
  await pumpBody(prepared.rest, state.gate, {
    chunk: (bytes) => post(FrameType.Body, id, bytes),
    end: () => post(FrameType.End, id),
    abort: (reason) => {
      console.error(`${ctx.revision}: the response body failed: ${reason}`);
      post(FrameType.Abort, id, jsonPayload({ reason }));
    },
  });
  inFlight.delete(id);
}

function onFrame(type: FrameType, stream: number, payload: Bytes) {
  if (type !== FrameType.RequestHead && sockets.onFrame(type, stream, payload)) return;
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

/**
 * A spare also opens and drops one connection to the supervisor's link socket before it is needed:
 * the first connection an isolate makes loads Deno's networking code (1-2 ms here).
 */
async function warmLink(path: string) {
  try {
    (await Deno.connect({ transport: "unix", path })).close();
  } catch {
    // nothing to warm; the real connection will say what is wrong
  }
  new FrameReader().push(new Uint8Array(0));
}

let linkWarm: Promise<void> = Promise.resolve();

self.onmessage = async (e: MessageEvent) => {
  await warm;
  if (e.data?.warm) linkWarm = warmLink(e.data.warm.path);
  else if (e.data?.init) {
    await linkWarm;
    load(e.data.init as InstanceInit);
  }
};
