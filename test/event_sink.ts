/** Helpers for eventing tests: a sink server that records the events it receives, and waiting. */
import type { CloudEvent } from "../platform/eventing/cloudevents/cloudevent.ts";
import { decodeHttpRequest } from "../platform/eventing/cloudevents/http_decode.ts";

/** A sink in the test process: records events by path; `/fail503`, `/fail400` and `/slow` misbehave. */
export class Sink {
  readonly received = new Map<string, CloudEvent[]>();
  readonly server: Deno.HttpServer<Deno.NetAddr>;

  constructor() {
    this.server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
      const path = new URL(req.url).pathname;
      const [event] = (await decodeHttpRequest(req)).events;
      this.received.set(path, [...(this.received.get(path) ?? []), event]);
      if (path === "/fail503") return new Response("overloaded", { status: 503 });
      if (path === "/fail400") return new Response("bad input", { status: 400 });
      if (path === "/slow") await new Promise((r) => setTimeout(r, 200));
      return new Response(null, { status: 202 });
    });
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.server.addr.port}${path}`;
  }

  at(path: string): CloudEvent[] {
    return this.received.get(path) ?? [];
  }
}

export async function until(what: string, check: () => boolean, timeoutMs = 15_000) {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const event = (id: string, type: string, extensions: CloudEvent["extensions"] = {}): CloudEvent => ({
  specversion: "1.0",
  id,
  source: "/test",
  type,
  extensions,
  datacontenttype: "application/json",
  data: { id },
});
