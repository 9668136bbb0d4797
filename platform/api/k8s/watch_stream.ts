/**
 * One watch response: newline-delimited `{"type", "object"}` events from the WatchHub, as the
 * Kubernetes API streams them. An object that leaves a label selection is DELETED for the watcher,
 * one that enters it is ADDED. The stream ends at its timeout, at shutdown, or when a client reads
 * so slowly that too many events wait for it (it lists again and resumes, as informers do).
 */
import type { KObject } from "../../resources/meta.ts";
import type { WatchEvent, WatchEventType } from "../../store/resource_store.ts";
import type { Selector } from "./selectors.ts";
import type { WatchHub } from "./watch_hub.ts";

/** What a watcher of `inScope` objects matching `selector` is told of a change, if anything. */
export function eventForWatcher(
  event: WatchEvent,
  inScope: (obj: KObject) => boolean,
  selector: Selector,
): WatchEventType | undefined {
  if (!inScope(event.object)) return undefined;
  const now = selector(event.object);
  if (event.type !== "MODIFIED") return now ? event.type : undefined;
  const before = event.old ? selector(event.old) : false;
  if (now && before) return "MODIFIED";
  if (now) return "ADDED";
  if (before) return "DELETED";
  return undefined;
}

export interface WatchStreamOptions {
  hub: WatchHub;
  /** Resume after this version; undefined starts with every current object as ADDED. */
  from: number | undefined;
  /** The objects in scope now (sent first when not resuming). */
  current: () => KObject[];
  inScope: (obj: KObject) => boolean;
  selector: Selector;
  /** The `object` of an event (presented; a Table row when asked for). */
  render: (obj: KObject) => unknown;
  /** A BOOKMARK object carrying the latest version, or undefined when none were asked for. */
  bookmark?: { everyMs: number; object: () => unknown };
  timeoutMs: number;
  /** Events waiting for a slow reader before the watch is ended. */
  maxQueued: number;
  /** Registers the function that ends this stream (at shutdown); returns its unregistration. */
  register: (end: () => void) => () => void;
}

export function expiredEvent(from: number, newest: number) {
  return {
    type: "ERROR",
    object: {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: `too old resource version: ${from} (${newest})`,
      reason: "Expired",
      code: 410,
    },
  };
}

export function watchStream(opts: WatchStreamOptions): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cleanup = () => {};
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        cleanup();
        try {
          controller.close();
        } catch { /* already closed */ }
      };
      const write = (event: unknown) => {
        if (ended) return;
        controller.enqueue(encoder.encode(JSON.stringify(event) + "\n"));
        // With a high-water mark of 0, -desiredSize is the number of events not yet read.
        if (-(controller.desiredSize ?? 0) > opts.maxQueued) end();
      };
      const send = (type: string, obj: KObject) => write({ type, object: opts.render(obj) });

      if (opts.from === undefined) {
        for (const obj of opts.current().filter(opts.selector)) send("ADDED", obj);
      }
      const stop = opts.hub.listen(opts.from, (event) => {
        const type = eventForWatcher(event, opts.inScope, opts.selector);
        if (type) send(type, event.object);
      });
      if (!stop) {
        write(expiredEvent(opts.from!, opts.hub.version));
        end();
        return;
      }
      const bookmarks = opts.bookmark
        ? setInterval(
          () => write({ type: "BOOKMARK", object: opts.bookmark!.object() }),
          opts.bookmark.everyMs,
        )
        : undefined;
      const timer = setTimeout(end, opts.timeoutMs);
      const unregister = opts.register(end);
      cleanup = () => {
        stop();
        clearInterval(bookmarks);
        clearTimeout(timer);
        unregister();
      };
    },
    cancel() {
      cleanup();
    },
  }, { highWaterMark: 0 });
}
