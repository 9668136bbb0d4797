/**
 * Two shortcuts into Deno's fetch classes for the per-request hot path of an instance. Each is
 * found by feature detection when this module loads and checked to behave; when a Deno release
 * moves things, the public-API fallback takes over (slower, same results).
 *
 * Why: measured here, `new Request(url, { signal })` costs ~10 µs against ~4 µs without the
 * signal (it builds a dependent signal), and reading a ready-made body through
 * `response.body.getReader()` costs ~8 µs where the bytes are already in the Response.
 */

type Slot = symbol | undefined;

function slotNamed(object: object, description: string): Slot {
  return Object.getOwnPropertySymbols(object).find((s) => s.description === description);
}

/** Request: the slot where the signal `request.signal` returns is kept. */
const SIGNAL_SLOT: Slot = (() => {
  const slot = slotNamed(new Request("http://probe/"), "signalCache");
  if (!slot) return undefined;
  const controller = new AbortController();
  const probe = new Request("http://probe/") as unknown as Record<symbol, unknown>;
  probe[slot] = controller.signal;
  controller.abort();
  return (probe as unknown as Request).signal === controller.signal ? slot : undefined;
})();

/** A Request whose `signal` is `signal`: cheaply when this Deno allows, else through `init`. */
export function requestWithSignal(url: string, init: RequestInit, signal: AbortSignal): Request {
  if (!SIGNAL_SLOT) return new Request(url, { ...init, signal });
  const request = new Request(url, init);
  (request as unknown as Record<symbol, unknown>)[SIGNAL_SLOT] = signal;
  return request;
}

/** Response: `new Response(text)` keeps the text unencoded until someone looks (Response.json too). */
const LAZY_BODY_SLOT: Slot = slotNamed(new Response("probe"), "lazy static body");
/** Response: the inner response, whose body is `{ streamOrStatic: { body, consumed } }` when static. */
const INNER_SLOT: Slot = slotNamed(new Response("probe"), "response");

interface InnerBody {
  streamOrStatic?: ReadableStream | { body?: unknown; consumed?: boolean };
}

/**
 * The whole body of a Response made from a string or bytes, without reading it as a stream; undefined
 * when the body is a stream (or absent, or already read). Call it before touching
 * `response.headers`: that turns a lazy text body into a stream.
 */
export function staticBody(response: Response): string | Uint8Array | undefined {
  if (response.bodyUsed) return undefined;
  const record = response as unknown as Record<symbol, unknown>;
  if (LAZY_BODY_SLOT) {
    const lazy = record[LAZY_BODY_SLOT];
    if (typeof lazy === "string") return lazy;
  }
  if (!INNER_SLOT) return undefined;
  const inner = record[INNER_SLOT] as { body?: InnerBody | null } | undefined;
  const sos = inner?.body?.streamOrStatic;
  if (!sos || sos instanceof ReadableStream || sos.consumed) return undefined;
  const body = sos.body;
  return typeof body === "string" || body instanceof Uint8Array ? body : undefined;
}

/** Which shortcuts this Deno allows (reported by tests, so a Deno upgrade that loses one is seen). */
export const shortcuts = {
  signal: SIGNAL_SLOT !== undefined,
  lazyBody: LAZY_BODY_SLOT !== undefined,
  staticBody: INNER_SLOT !== undefined,
};
