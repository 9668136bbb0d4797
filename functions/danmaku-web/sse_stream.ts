/**
 * A page's `/stream`: server-sent events fed by the instance's processed-comments feed.
 * `event: comment` carries a processed comment, `event: status` the feed's state (the page shows it,
 * and `live` tells it every comment from now on will arrive). A comment line every 15 s keeps idle
 * proxies from closing the connection; a page that falls too far behind is cut off and reconnects.
 */
import type { FeedStatus, ProcessedFeed } from "./processed_feed.ts";

const HEARTBEAT_MS = 15_000;
/** Events queued for one page before it is considered stuck. */
const MAX_BACKLOG = 5000;

export function sseResponse(feed: ProcessedFeed, signal: AbortSignal): Response {
  const encoder = new TextEncoder();
  let cleanup = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      const close = (error?: Error) => {
        if (!open) return;
        open = false;
        cleanup();
        try {
          if (error) controller.error(error);
          else controller.close();
        } catch { /* already closed */ }
      };
      const send = (text: string) => {
        if (!open) return;
        if ((controller.desiredSize ?? 0) < -MAX_BACKLOG) {
          close(new Error(`the page fell ${MAX_BACKLOG} events behind`));
          return;
        }
        controller.enqueue(encoder.encode(text));
      };
      send(`retry: 2000\n: connected\n\n`);
      const unsubscribe = feed.subscribe({
        comment: (json) => send(`event: comment\ndata: ${json}\n\n`),
        status: (status: FeedStatus) => send(`event: status\ndata: ${JSON.stringify(status)}\n\n`),
      });
      const heartbeat = setInterval(() => send(`: ${Date.now()}\n\n`), HEARTBEAT_MS);
      const onAbort = () => close();
      signal.addEventListener("abort", onAbort, { once: true });
      cleanup = () => {
        unsubscribe();
        clearInterval(heartbeat);
        signal.removeEventListener("abort", onAbort);
      };
      if (signal.aborted) onAbort();
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
    },
  });
}
