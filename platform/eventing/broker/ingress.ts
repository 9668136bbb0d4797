/**
 * The broker ingress on the data port, answering as Knative's: POST an event (binary, structured or
 * batched mode) to `/broker/{namespace}/{broker}`; 202 once it is durably stored (by a Kafka-class
 * broker: once Kafka acknowledged it; 503 when it could not be stored), 400 naming the bad
 * attribute of an invalid event, 404 for an unknown broker, 405 for other methods, OPTIONS (the
 * CloudEvents webhook handshake) with `Allow`. Events that already looped too often (TTL 0) are
 * accepted and dropped, as they would only loop again.
 */
import type { Hono } from "hono";
import type { DataPlaneEnv } from "../../router/data_plane.ts";
import { CloudEventError } from "../cloudevents/cloudevent_error.ts";
import { decodeHttpMessage } from "../cloudevents/http_decode.ts";
import { BROKER_PATH_PREFIX } from "./broker_address.ts";
import { isAlive, withIngressTtl } from "./broker_ttl.ts";
import type { AppendRequest, AppendResult } from "./commit_batcher.ts";
import type { BrokerMetrics } from "./broker_metrics.ts";
import { type Span, SpanKind, type Tracing } from "../../tracing/tracing.ts";
import type { CloudEvent } from "../cloudevents/cloudevent.ts";

/** The largest request body the ingress reads. */
export const MAX_INGRESS_BODY_BYTES = 16 * 1024 * 1024;
const ALLOW = "POST, OPTIONS";

export interface IngressDeps {
  /** Whether this node's broker serves `{namespace}/{name}`. */
  serves(namespace: string, name: string): boolean;
  append(request: AppendRequest): Promise<AppendResult>;
  metrics: BrokerMetrics;
  /** When on: a `broker ingress` span, and each event stored with it as its `traceparent`. */
  tracing?: Tracing;
  /** How many of the broker's triggers an event passes (for the `trigger filter` span). */
  matching?: (namespace: string, broker: string, event: CloudEvent) => number;
}

function answer(status: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(message ? `${message}\n` : null, {
    status,
    headers: message ? { "content-type": "text/plain; charset=utf-8", ...headers } : headers,
  });
}

export function mountIngress(app: Hono<DataPlaneEnv>, deps: IngressDeps) {
  app.all(`${BROKER_PATH_PREFIX}/:namespace/:broker`, async (c) => {
    const { namespace, broker } = c.req.param();
    return await handleIngress(c.req.raw, namespace, broker, deps);
  });
}

export async function handleIngress(
  request: Request,
  namespace: string,
  broker: string,
  deps: IngressDeps,
): Promise<Response> {
  if (request.method === "OPTIONS") {
    return answer(200, "", { allow: ALLOW, "webhook-allowed-origin": "*", "webhook-allowed-rate": "*" });
  }
  if (request.method !== "POST") {
    return answer(405, `method ${request.method} is not allowed: POST events here`, { allow: ALLOW });
  }
  if (!deps.serves(namespace, broker)) {
    await request.body?.cancel();
    return answer(404, `broker "${broker}" not found in namespace "${namespace}"`);
  }
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > MAX_INGRESS_BODY_BYTES) {
    await request.body?.cancel();
    return answer(413, `the body is larger than ${MAX_INGRESS_BODY_BYTES} bytes`);
  }
  const body = new Uint8Array(await request.arrayBuffer());
  if (body.length > MAX_INGRESS_BODY_BYTES) {
    return answer(413, `the body is larger than ${MAX_INGRESS_BODY_BYTES} bytes`);
  }
  let events;
  try {
    events = decodeHttpMessage({ headers: request.headers, body }).events;
  } catch (err) {
    if (!(err instanceof CloudEventError)) throw err;
    deps.metrics.eventRejected(namespace, broker, "invalid");
    deps.metrics.knative.ingress(namespace, broker, "", 400);
    return answer(400, `invalid CloudEvent: ${err.message}`);
  }
  let span: Span | undefined;
  if (deps.tracing) ({ span, events } = traceIngress(deps, request, namespace, broker, events));
  try {
    return await store(events, namespace, broker, deps, span);
  } finally {
    span?.end();
  }
}

/**
 * The ingress span continues the sender's trace (its HTTP trace headers, else the event's own
 * `traceparent` extension); every event is stored with the span as its parent, so deliveries join it.
 */
function traceIngress(
  deps: IngressDeps,
  request: Request,
  namespace: string,
  broker: string,
  events: CloudEvent[],
): { span: Span; events: CloudEvent[] } {
  const tracing = deps.tracing!;
  const own = events[0]?.extensions.traceparent;
  const parent = request.headers.has("traceparent") || request.headers.has("x-b3-traceid") ||
      typeof own !== "string"
    ? tracing.extract(request.headers)
    : tracing.extract({ traceparent: own });
  const span = tracing.start(`broker ingress ${namespace}/${broker}`, parent, SpanKind.SERVER, {
    "knative.broker": broker,
    "knative.namespace": namespace,
    "cloudevents.count": events.length,
  });
  const traceparent = tracing.headersFor(span).traceparent;
  for (const event of events) {
    const matched = deps.matching?.(namespace, broker, event);
    tracing.start("trigger filter", span, SpanKind.INTERNAL, {
      "cloudevents.event_id": event.id,
      "cloudevents.event_type": event.type,
      "knative.triggers_matched": matched ?? -1,
    }).end();
  }
  const traced = traceparent
    ? events.map((e) => ({ ...e, extensions: { ...e.extensions, traceparent } }))
    : events;
  return { span, events: traced };
}

async function store(
  events: CloudEvent[],
  namespace: string,
  broker: string,
  deps: IngressDeps,
  span: Span | undefined,
): Promise<Response> {
  const alive = events.map(withIngressTtl).filter((event) => {
    if (isAlive(event)) return true;
    deps.metrics.ttlExpiredEvent(namespace, broker);
    return false;
  });
  try {
    if (alive.length > 0) await deps.append({ namespace, broker, events: alive });
  } catch (err) {
    deps.metrics.eventRejected(namespace, broker, "unavailable");
    for (const e of events) deps.metrics.knative.ingress(namespace, broker, e.type, 503);
    span?.setAttribute("http.status_code", 503);
    return answer(503, `the event could not be stored: ${(err as Error).message}`);
  }
  deps.metrics.eventAccepted(namespace, broker, events.length);
  for (const e of events) deps.metrics.knative.ingress(namespace, broker, e.type, 202);
  span?.setAttribute("http.status_code", 202);
  return answer(202, "");
}
