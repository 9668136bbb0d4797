/**
 * The log API on the admin port: `GET /logs/namespaces/{ns}/services/{svc}?revision=&since=&tail=&follow=`
 * answers JSON lines (one LogEntry each, oldest first); with `follow=true` the response stays open and
 * new entries follow as they are written.
 */
import type { Hono } from "hono";
import { statusBody } from "../api/status_body.ts";
import type { Clock } from "../clock/clock.ts";
import type { LogEntry } from "./log_entry.ts";
import { LogParamError, parseLogQuery } from "./log_query_params.ts";
import type { LogStore } from "./log_store.ts";

const encoder = new TextEncoder();
/** A follower that lets this many lines pile up unread is cut off rather than grow the platform. */
const MAX_UNREAD_LINES = 10_000;
const line = (e: LogEntry) => encoder.encode(`${JSON.stringify(e)}\n`);

/** Mounts the routes; the returned function ends open follows (at shutdown). */
export function mountLogRoutes(app: Hono, logs: LogStore, clock: Clock): () => void {
  const open = new Set<() => void>();
  app.get("/logs/namespaces/:ns/services/:svc", (c) => {
    let q;
    try {
      q = parseLogQuery(c.req.param("ns"), c.req.param("svc"), new URL(c.req.url).searchParams, clock.now());
    } catch (err) {
      if (err instanceof LogParamError) return statusBody(400, "BadRequest", err.message);
      throw err;
    }
    const headers = { "content-type": "application/x-ndjson", "cache-control": "no-store" };
    const past = logs.query(q);
    if (!q.follow) return new Response(past.map((e) => JSON.stringify(e) + "\n").join(""), { headers });
    let end = () => {};
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const e of past) controller.enqueue(line(e));
        // `since`/`tail` chose the past; everything new of this service (and revision) follows.
        const unfollow = logs.follow({ ...q, since: undefined, tail: undefined }, (e) => {
          try {
            if ((controller.desiredSize ?? 0) < -MAX_UNREAD_LINES) return end();
            controller.enqueue(line(e));
          } catch {
            end();
          }
        });
        end = () => {
          unfollow();
          open.delete(end);
          try {
            controller.close();
          } catch { /* already closed */ }
        };
        open.add(end);
      },
      cancel() {
        end();
      },
    });
    return new Response(body, { headers });
  });
  return () => {
    for (const end of [...open]) end();
  };
}
