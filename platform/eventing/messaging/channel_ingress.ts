/**
 * The channel ingress on the data port: POST an event (binary, structured or batched mode) to
 * `/channel/{namespace}/{name}`. 202 once the channel stored it durably, 400 naming the bad attribute
 * of an invalid event, 404 for an unknown channel, 503 when it could not be stored, 405 for other
 * methods, `OPTIONS` with `Allow` (the CloudEvents webhook handshake).
 */
import type { Hono } from "hono";
import type { DataPlaneEnv } from "../../router/data_plane.ts";
import { CloudEventError } from "../cloudevents/cloudevent_error.ts";
import { decodeHttpMessage } from "../cloudevents/http_decode.ts";
import { MAX_INGRESS_BODY_BYTES } from "../broker/ingress.ts";
import { CHANNEL_PATH_PREFIX } from "./channel_address.ts";
import type { ChannelBackend } from "./channel_backend.ts";
import type { MessagingMetrics } from "./messaging_metrics.ts";

const ALLOW = "POST, OPTIONS";

function answer(status: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(message ? `${message}\n` : null, {
    status,
    headers: message ? { "content-type": "text/plain; charset=utf-8", ...headers } : headers,
  });
}

export function mountChannelIngress(
  app: Hono<DataPlaneEnv>,
  backends: ChannelBackend[],
  metrics: MessagingMetrics,
) {
  app.all(`${CHANNEL_PATH_PREFIX}/:namespace/:name`, async (c) => {
    const { namespace, name } = c.req.param();
    return await handleChannelIngress(c.req.raw, namespace, name, backends, metrics);
  });
}

export async function handleChannelIngress(
  request: Request,
  namespace: string,
  name: string,
  backends: ChannelBackend[],
  metrics: MessagingMetrics,
): Promise<Response> {
  if (request.method === "OPTIONS") {
    return answer(200, "", { allow: ALLOW, "webhook-allowed-origin": "*", "webhook-allowed-rate": "*" });
  }
  if (request.method !== "POST") {
    await request.body?.cancel();
    return answer(405, `method ${request.method} is not allowed: POST events here`, { allow: ALLOW });
  }
  const backend = backends.find((b) => b.serves(namespace, name));
  if (!backend) {
    await request.body?.cancel();
    return answer(404, `channel "${name}" not found in namespace "${namespace}"`);
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
    metrics.rejected(namespace, name, "invalid");
    return answer(400, `invalid CloudEvent: ${err.message}`);
  }
  try {
    await backend.append(namespace, name, events);
  } catch (err) {
    metrics.rejected(namespace, name, "unavailable");
    return answer(503, `the event could not be stored: ${(err as Error).message}`);
  }
  metrics.accepted(namespace, name, events.length);
  return answer(202, "");
}
