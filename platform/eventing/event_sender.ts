/**
 * Sends CloudEvents to sinks, for the Broker's dispatcher and for every source: resolves a Knative
 * `Destination` (a `ref` to a Service, Broker or other addressable resource, and/or a `uri`) to a
 * URL, and POSTs an event there in binary mode (structured when asked). Deliveries to this node's
 * own addresses (`*.{domain}` on the data port, the broker ingress) go through the data plane in
 * process, without a socket; other URLs go out with fetch(). A Service at zero is cold-started by
 * the data plane while the request waits.
 */
import type { NodeParts } from "../extension.ts";
import type { KObject } from "../resources/meta.ts";
import { serviceUrl, type UrlScheme } from "../serving/builders.ts";
import type { CloudEvent } from "./cloudevents/cloudevent.ts";
import { decodeHttpMessage } from "./cloudevents/http_decode.ts";
import { encodeHttpBinary, encodeHttpStructured } from "./cloudevents/http_encode.ts";
import { contentModeOf } from "./cloudevents/content_mode.ts";
import type { Destination, KReference } from "./delivery/delivery_spec.ts";
import { brokerAddress, ingressHost } from "./broker/broker_address.ts";

export type SinkResolution = { url: string } | { error: string };

export interface SendOptions {
  /** Cuts the whole exchange (request and response body) after this many milliseconds. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** `binary` (default) or `json` (structured mode), as a delivery spec's `format`. */
  format?: "binary" | "json";
  /** Extra request headers. */
  headers?: Record<string, string>;
}

export interface SendResult {
  status: number;
  body: Uint8Array;
  /** The CloudEvent a 2xx answer carried (a reply). */
  reply?: CloudEvent;
  /**
   * Why a 2xx answer's non-empty body is not a CloudEvent. Knative counts such an answer as a
   * failed delivery; a sender that only needs acceptance may ignore it.
   */
  replyError?: string;
}

/** The parts of a node the sender needs (a whole `NodeParts` will do). */
export type EventSenderParts = Pick<NodeParts, "store" | "scheme" | "dataPlaneFetch"> & {
  config?: { host?: string };
};

const SERVICE_API_VERSIONS = new Set(["serving.knative.dev/v1", "v1"]);

export class EventSender {
  constructor(private readonly parts: EventSenderParts) {}

  /**
   * A destination's URL, or why it cannot be resolved (the referenced object does not exist, or has
   * no address yet). `namespace` is the referrer's, used when the ref names none. A `uri` beside a
   * `ref` is resolved relative to the ref's URL, as Knative does.
   */
  resolveSink(dest: Destination, namespace: string): SinkResolution {
    if (!dest.ref) {
      if (!dest.uri) return { error: "the destination has neither ref nor uri" };
      if (!isAbsoluteHttpUrl(dest.uri)) return { error: `uri "${dest.uri}" is not an absolute http(s) URL` };
      return { url: dest.uri };
    }
    const base = this.#resolveRef(dest.ref, dest.ref.namespace ?? namespace);
    if ("error" in base || dest.uri === undefined || dest.uri === "") return base;
    if (isAbsoluteHttpUrl(dest.uri)) {
      return { error: `uri "${dest.uri}" must be relative when a ref is given` };
    }
    if (!URL.canParse(dest.uri, base.url)) return { error: `uri "${dest.uri}" is not a valid relative URI` };
    return { url: new URL(dest.uri, base.url).href };
  }

  /**
   * POSTs `event` to `url` and reads the answer. Rejects on a network error, an abort or the
   * timeout (a DOMException named "TimeoutError"); any HTTP status resolves.
   */
  async send(url: string, event: CloudEvent, opts: SendOptions = {}): Promise<SendResult> {
    const encoded = opts.format === "json" ? encodeHttpStructured(event) : encodeHttpBinary(event);
    const timeout = opts.timeoutMs === undefined ? undefined : AbortSignal.timeout(opts.timeoutMs);
    const signal = opts.signal && timeout ? AbortSignal.any([opts.signal, timeout]) : opts.signal ?? timeout;
    const request = new Request(url, {
      method: "POST",
      headers: { ...encoded.headers, "prefer": "reply", ...opts.headers },
      body: encoded.body,
      signal,
    });
    const local = isLocalUrl(url, this.parts.scheme, this.parts.config?.host);
    const response = await abortable(local ? this.parts.dataPlaneFetch(request) : fetch(request), signal);
    const body = new Uint8Array(await abortable(response.arrayBuffer(), signal));
    return { status: response.status, body, ...replyOf(response.status, response.headers, body) };
  }

  #resolveRef(ref: KReference, namespace: string): SinkResolution {
    const { store, scheme } = this.parts;
    const what = `${ref.kind} "${ref.name}" in namespace "${namespace}"`;
    if (ref.kind === "Service" && SERVICE_API_VERSIONS.has(ref.apiVersion)) {
      if (!store.get("Service", namespace, ref.name)) return { error: `${what} does not exist` };
      return { url: serviceUrl(ref.name, namespace, scheme) };
    }
    if (ref.kind === "Broker" && ref.apiVersion.startsWith("eventing.knative.dev/")) {
      if (!store.get("Broker", namespace, ref.name)) return { error: `${what} does not exist` };
      return { url: brokerAddress(namespace, ref.name, scheme, this.parts.config?.host) };
    }
    // Any other addressable kind (a KafkaSink...): the address it publishes in its status.
    const obj = store.get(ref.kind, namespace, ref.name);
    if (!obj || obj.apiVersion !== ref.apiVersion) {
      return { error: `${what} (${ref.apiVersion}) does not exist` };
    }
    const url = addressOf(obj);
    return url ? { url } : { error: `${what} has no address yet (status.address.url)` };
  }
}

function addressOf(obj: KObject): string | undefined {
  const status = obj.status as { address?: { url?: unknown }; url?: unknown } | undefined;
  const url = status?.address?.url ?? status?.url;
  return typeof url === "string" && url !== "" ? url : undefined;
}

function isAbsoluteHttpUrl(uri: string): boolean {
  if (!URL.canParse(uri)) return false;
  const { protocol } = new URL(uri);
  return protocol === "http:" || protocol === "https:";
}

/**
 * Whether a URL is served by this node's data plane: a `*.{domain}` host (a Service) or the broker
 * ingress host, on the data port.
 */
export function isLocalUrl(url: string, scheme: UrlScheme, listenHost?: string): boolean {
  if (!URL.canParse(url)) return false;
  const u = new URL(url);
  if (u.protocol !== "http:") return false;
  const port = u.port === "" ? 80 : Number(u.port);
  if (port !== scheme.port) return false;
  const host = u.hostname.toLowerCase();
  const domain = scheme.domain.toLowerCase();
  if (host === domain || host.endsWith(`.${domain}`)) return true;
  return host === ingressHost(listenHost) || host === "127.0.0.1" || host === "localhost" || host === "[::1]";
}

/** Whether a 2xx answer carries a reply event, and whether its body is one at all. */
export function replyOf(
  status: number,
  headers: Headers,
  body: Uint8Array,
): { reply?: CloudEvent; replyError?: string } {
  if (status < 200 || status > 299) return {};
  const mode = contentModeOf(headers.get("content-type") ?? undefined).mode;
  const looksLikeEvent = headers.has("ce-specversion") || mode === "structured" || mode === "batch";
  if (!looksLikeEvent) {
    return body.length === 0 ? {} : { replyError: "the response body is not a CloudEvent" };
  }
  try {
    const decoded = decodeHttpMessage({ headers, body });
    if (decoded.events.length !== 1) return { replyError: "a reply must be one CloudEvent, not a batch" };
    return { reply: decoded.events[0] };
  } catch (err) {
    return { replyError: `the reply is not a valid CloudEvent: ${(err as Error).message}` };
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}
