/**
 * The dashboard's own routes on the admin port: the chart library (public, like the page), and with
 * the token the charts' history (`GET /dashboard/history`) and its live points as server-sent events
 * (`GET /dashboard/stream`, read by the page with fetch so the token travels in a header).
 */
import type { Hono } from "hono";
import { uplotAssets } from "./dashboard_assets.ts";
import type { DashboardHistory } from "./dashboard_history.ts";

export interface DashboardData {
  history: DashboardHistory;
  intervalMs: number;
  /** Zipkin's UI for trace links, when tracing is on. */
  traceUi?: string;
}

const APP_JS = Deno.readTextFileSync(new URL("./dashboard_app.js", import.meta.url));

export function mountDashboardAssets(app: Hono) {
  const cached = { "cache-control": "public, max-age=3600" };
  app.get("/dashboard/app.js", (c) => c.body(APP_JS, 200, { "content-type": "text/javascript" }));
  app.get(
    "/dashboard/uplot.js",
    (c) => c.body(uplotAssets().js, 200, { ...cached, "content-type": "text/javascript" }),
  );
  app.get(
    "/dashboard/uplot.css",
    (c) => c.body(uplotAssets().css, 200, { ...cached, "content-type": "text/css" }),
  );
}

/** Mounts the data routes; the returned function ends open streams (at shutdown). */
export function mountDashboardData(app: Hono, data: DashboardData): () => void {
  const open = new Set<() => void>();
  app.get(
    "/dashboard/history",
    (c) =>
      c.json({ intervalMs: data.intervalMs, traceUi: data.traceUi ?? null, points: data.history.points() }),
  );
  app.get("/dashboard/stream", () => {
    const encoder = new TextEncoder();
    let end = () => {};
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        const unfollow = data.history.follow((p) => {
          // A page that stopped reading is let go rather than buffered for.
          if ((controller.desiredSize ?? 0) < -100) return end();
          controller.enqueue(encoder.encode(`data: ${JSON.stringify(p)}\n\n`));
        });
        controller.enqueue(encoder.encode(": live\n\n"));
        end = () => {
          unfollow();
          open.delete(end);
          try {
            controller.close();
          } catch { /* closed */ }
        };
        open.add(end);
      },
      cancel() {
        end();
      },
    });
    return new Response(body, {
      headers: { "content-type": "text/event-stream", "cache-control": "no-store" },
    });
  });
  return () => {
    for (const end of [...open]) end();
  };
}
