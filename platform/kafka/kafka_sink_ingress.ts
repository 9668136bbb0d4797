/**
 * A KafkaSink's address on the data port, `/kafkasink/{namespace}/{name}`: POST a CloudEvent
 * (binary, structured or batched mode) and it is written to the sink's topic in the sink's content
 * mode; 202 only once the broker acknowledged every record (acks=all), 503 when producing failed,
 * 400 for an invalid event, 404 for an unknown sink, 405 for other methods (OPTIONS answers with
 * `Allow`, the CloudEvents webhook handshake).
 */
import type { Hono } from "hono";
import type { DataPlaneEnv } from "../router/data_plane.ts";
import { CloudEventError } from "../eventing/cloudevents/cloudevent_error.ts";
import { decodeHttpMessage } from "../eventing/cloudevents/http_decode.ts";
import { encodeKafkaBinary, encodeKafkaStructured } from "../eventing/cloudevents/kafka_encode.ts";
import type { KafkaClient } from "./kafka_client.ts";
import { KAFKA_SINK_PATH_PREFIX, type KafkaSink } from "./kafka_sink.ts";

/** The largest request body a KafkaSink reads (Kafka's default message size limit is about 1 MiB). */
export const MAX_SINK_BODY_BYTES = 16 * 1024 * 1024;
const ALLOW = "POST, OPTIONS";

export interface KafkaSinkIngressDeps {
  /** The stored sink, if there is one. */
  sink(namespace: string, name: string): KafkaSink | undefined;
  client(sink: KafkaSink): KafkaClient;
}

function answer(status: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(message ? `${message}\n` : null, {
    status,
    headers: message ? { "content-type": "text/plain; charset=utf-8", ...headers } : headers,
  });
}

export function mountKafkaSinkIngress(app: Hono<DataPlaneEnv>, deps: KafkaSinkIngressDeps) {
  app.all(`${KAFKA_SINK_PATH_PREFIX}/:namespace/:name`, (c) => {
    const { namespace, name } = c.req.param();
    return handleKafkaSinkRequest(c.req.raw, namespace, name, deps);
  });
}

export async function handleKafkaSinkRequest(
  request: Request,
  namespace: string,
  name: string,
  deps: KafkaSinkIngressDeps,
): Promise<Response> {
  if (request.method === "OPTIONS") {
    return answer(200, "", { allow: ALLOW, "webhook-allowed-origin": "*", "webhook-allowed-rate": "*" });
  }
  if (request.method !== "POST") {
    await request.body?.cancel();
    return answer(405, `method ${request.method} is not allowed: POST events here`, { allow: ALLOW });
  }
  const sink = deps.sink(namespace, name);
  if (!sink) {
    await request.body?.cancel();
    return answer(404, `KafkaSink "${name}" not found in namespace "${namespace}"`);
  }
  if (Number(request.headers.get("content-length") ?? 0) > MAX_SINK_BODY_BYTES) {
    await request.body?.cancel();
    return answer(413, `the body is larger than ${MAX_SINK_BODY_BYTES} bytes`);
  }
  const body = new Uint8Array(await request.arrayBuffer());
  if (body.length > MAX_SINK_BODY_BYTES) {
    return answer(413, `the body is larger than ${MAX_SINK_BODY_BYTES} bytes`);
  }
  let records;
  try {
    const { events } = decodeHttpMessage({ headers: request.headers, body });
    const encode = sink.spec.contentMode === "structured" ? encodeKafkaStructured : encodeKafkaBinary;
    records = events.map((event) => encode(event));
  } catch (err) {
    if (!(err instanceof CloudEventError)) throw err;
    return answer(400, `invalid CloudEvent: ${err.message}`);
  }
  try {
    await deps.client(sink).produce(sink.spec.topic, records);
  } catch (err) {
    return answer(
      503,
      `the event could not be written to topic "${sink.spec.topic}": ${(err as Error).message}`,
    );
  }
  return answer(202, "");
}
