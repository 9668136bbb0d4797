/**
 * What to do with one GitHub webhook request, decided without I/O (HMAC aside): refuse it with a
 * status, answer it directly, or deliver an event. In order:
 * - no webhook secret available: 503 (nothing can be verified);
 * - `X-Hub-Signature-256` missing, malformed or wrong: 400;
 * - no `X-GitHub-Event`: 400;
 * - `ping` (sent when the hook is created) not among `eventTypes`: 200, nothing delivered;
 * - an event type not among `eventTypes`: 404, as Knative's receiver does;
 * - no `X-GitHub-Delivery`, or a body that is not a JSON payload: 400;
 * - otherwise the event to deliver (the caller answers 202 once the sink took it, else 502).
 */
import type { CloudEvent } from "../cloudevents/cloudevent.ts";
import { checkSignature, SIGNATURE_HEADER } from "./github_signature.ts";
import { makeGitHubEvent } from "./github_event.ts";
import type { GitHubSource } from "./github_source.ts";

export type WebhookDecision =
  | { kind: "answer"; status: number; message: string }
  | { kind: "deliver"; event: CloudEvent };

export interface WebhookRequest {
  headers: Headers;
  body: Uint8Array<ArrayBuffer>;
}

const answer = (status: number, message: string): WebhookDecision => ({ kind: "answer", status, message });

/**
 * The JSON payload of a delivery: the body itself (`application/json`), or the `payload` form
 * field (`application/x-www-form-urlencoded`, GitHub's other content type).
 */
export function payloadBytes(headers: Headers, body: Uint8Array<ArrayBuffer>): Uint8Array {
  const type = (headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") return body;
  const field = new URLSearchParams(new TextDecoder().decode(body)).get("payload");
  return new TextEncoder().encode(field ?? "");
}

export async function decideGitHubDelivery(
  source: GitHubSource,
  secret: string | undefined,
  request: WebhookRequest,
  now: Date,
): Promise<WebhookDecision> {
  if (secret === undefined) {
    const ref = source.spec.secretToken.secretKeyRef;
    return answer(503, `the webhook secret (key "${ref.key}" of Secret "${ref.name}") is not available`);
  }
  const signature = await checkSignature(secret, request.body, request.headers.get(SIGNATURE_HEADER));
  if (signature === "missing") return answer(400, "the X-Hub-Signature-256 header is missing");
  if (signature !== "valid") return answer(400, "the X-Hub-Signature-256 signature does not match the body");

  const eventType = request.headers.get("x-github-event")?.trim() ?? "";
  if (eventType === "") return answer(400, "the X-GitHub-Event header is missing");
  const subscribed = (source.spec.eventTypes as readonly string[]).includes(eventType);
  if (eventType === "ping" && !subscribed) return answer(200, "pong");
  if (!subscribed) return answer(404, `event type "${eventType}" is not among this source's eventTypes`);

  const deliveryId = request.headers.get("x-github-delivery")?.trim() ?? "";
  if (deliveryId === "") return answer(400, "the X-GitHub-Delivery header is missing");
  const json = payloadBytes(request.headers, request.body);
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(json));
  } catch (err) {
    return answer(400, `the payload is not JSON: ${(err as Error).message}`);
  }
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) {
    return answer(400, "the payload must be a JSON object");
  }
  const event = makeGitHubEvent(
    source.spec.ownerAndRepository,
    { eventType, deliveryId, payload, json },
    now,
    source.spec.ceOverrides?.extensions,
  );
  return { kind: "deliver", event };
}
