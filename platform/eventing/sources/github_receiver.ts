/**
 * The GitHub webhook receiver on the data port: `POST /webhooks/github/{namespace}/{name}` (the
 * URL a GitHubSource shows in `status.url`). Knative's multi-tenant receiver uses
 * `/{namespace}/{name}` on its own host; Denative shares the data port with functions, so the
 * path carries a `/webhooks/github` prefix. Answers: see `decideGitHubDelivery`; once an event is
 * built it is sent to the sink (one attempt, so GitHub's 10 s budget holds) and the answer is 202
 * when the sink accepted it (2xx), else 502.
 */
import type { Hono } from "hono";
import type { DataPlaneEnv } from "../../router/data_plane.ts";
import type { ResourceStore } from "../../store/resource_store.ts";
import type { Logger } from "../../log.ts";
import { secretValue } from "../../resources/secret.ts";
import type { EventSender } from "../event_sender.ts";
import { GITHUB_WEBHOOK_PREFIX, type GitHubSource } from "./github_source.ts";
import { decideGitHubDelivery } from "./github_webhook.ts";
import { destinationOf } from "./source_spec.ts";

/** GitHub caps webhook payloads at 25 MB. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;
const SINK_TIMEOUT_MS = 25_000;

export interface GitHubReceiverDeps {
  store: ResourceStore;
  sender: EventSender;
  log: Logger;
  now?: () => Date;
  /** Told when the sink did not resolve (to refresh the source's status). */
  onSinkMissing?: (namespace: string) => void;
}

const reply = (status: number, message: string, headers: Record<string, string> = {}) =>
  new Response(`${message}\n`, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", ...headers },
  });

export function mountGitHubReceiver(app: Hono<DataPlaneEnv>, deps: GitHubReceiverDeps) {
  app.all(`${GITHUB_WEBHOOK_PREFIX}/:namespace/:name`, async (c) => {
    const { namespace, name } = c.req.param();
    if (c.req.method !== "POST") return reply(405, "webhooks are POSTed", { allow: "POST" });
    const source = deps.store.get<GitHubSource>("GitHubSource", namespace, name);
    if (!source) return reply(404, `no GitHubSource "${name}" in namespace "${namespace}"`);
    if (Number(c.req.header("content-length") ?? 0) > MAX_WEBHOOK_BYTES) {
      return reply(413, "the payload is larger than GitHub's 25 MB");
    }
    const body = new Uint8Array(await c.req.arrayBuffer());
    const ref = source.spec.secretToken.secretKeyRef;
    const secret = secretValue(deps.store.get("Secret", namespace, ref.name), ref.key);
    const now = (deps.now ?? (() => new Date()))();
    const decision = await decideGitHubDelivery(source, secret, { headers: c.req.raw.headers, body }, now);
    if (decision.kind === "answer") return reply(decision.status, decision.message);

    const resolved = deps.sender.resolveSink(destinationOf(source.spec.sink), namespace);
    if ("error" in resolved) {
      deps.onSinkMissing?.(namespace);
      return reply(502, `the sink could not be resolved: ${resolved.error}`);
    }
    try {
      const result = await deps.sender.send(resolved.url, decision.event, { timeoutMs: SINK_TIMEOUT_MS });
      if (result.status >= 200 && result.status < 300) return reply(202, "accepted");
      deps.log.warn(`githubsource ${namespace}/${name}: the sink answered ${result.status}`);
      return reply(502, `the sink answered ${result.status}`);
    } catch (err) {
      deps.log.warn(`githubsource ${namespace}/${name}: the sink failed: ${(err as Error).message}`);
      return reply(502, `the sink could not be reached: ${(err as Error).message}`);
    }
  });
}
