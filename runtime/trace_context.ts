/**
 * The trace a function's request belongs to, kept for the length of its handling (AsyncLocalStorage),
 * so `sendEvent` can carry it on (as the CloudEvents `traceparent` extension and the HTTP trace
 * headers) without the function passing anything. The store lives on globalThis so that a function
 * whose bundle holds its own copy of the SDK sees the same one.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export type TraceHeaders = Record<string, string>;

const KEY = Symbol.for("denative.traceContext");

function storage(): AsyncLocalStorage<TraceHeaders> {
  const g = globalThis as unknown as Record<symbol, AsyncLocalStorage<TraceHeaders> | undefined>;
  return g[KEY] ??= new AsyncLocalStorage<TraceHeaders>();
}

/** W3C trace context and B3 (multi- and single-header). */
export function isTraceHeader(name: string): boolean {
  return name === "traceparent" || name === "tracestate" || name === "b3" || name.startsWith("x-b3-");
}

/** The trace headers among a request's header pairs, or undefined when it carries none. */
export function traceHeadersOf(pairs: [string, string][]): TraceHeaders | undefined {
  let out: TraceHeaders | undefined;
  for (const [name, value] of pairs) {
    if (isTraceHeader(name)) (out ??= {})[name] = value;
  }
  return out;
}

export function runWithTrace<T>(headers: TraceHeaders | undefined, fn: () => T): T {
  return headers ? storage().run(headers, fn) : fn();
}

/** The trace headers of the request being handled, if it carried any. */
export function currentTrace(): TraceHeaders | undefined {
  return storage().getStore();
}
