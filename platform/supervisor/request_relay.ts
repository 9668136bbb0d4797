/**
 * One request's trip to an instance over its link: the head and body go down as frames, the
 * response comes back as frames and is handed to the caller as a streaming `Response` the moment
 * its head arrives.
 */
import {
  decodeResponseHead,
  type ForwardedFrom,
  FrameType,
  jsonPayload,
  parseJson,
  readU32,
  requestHeadText,
  type ResponseHead,
  type ResponseHeadDecoder,
  u32Payload,
} from "../../runtime/protocol.ts";
import type { Bytes } from "../../runtime/protocol.ts";
import { BodyReceiver, CreditGate, type PreparedBody, pumpBody } from "../../runtime/body_channel.ts";

/** The part of an instance's link a relay writes to (InstanceLink, or a fake in tests). */
export interface RelayLink {
  readonly gone: boolean;
  /** The link's response heads, decoded with reuse (see ResponseHeadDecoder); decoded afresh when absent. */
  readonly responseHeads?: ResponseHeadDecoder;
  send(type: FrameType, stream: number, payload?: Bytes): Promise<void> | void;
  /** A head frame: u32 text length | text | body (see `headFrame`), encoded where it is sent. */
  sendHead(type: FrameType, stream: number, text: string, body?: Uint8Array): Promise<void> | void;
}
import { errorResponse } from "../http/error_response.ts";
import type { Clock } from "../clock/clock.ts";
import { WebSocketBridge, type WebSocketLimits } from "./websocket_bridge.ts";

/** What a relay needs to carry a WebSocket the function accepts. */
export interface WebSocketDeps {
  clock: Clock;
  limits: WebSocketLimits;
}

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);
/** A text body goes on as the string it was (see BodyMode); a leading BOM is part of the text. */
const UTF8 = new TextDecoder("utf-8", { ignoreBOM: true });

export class RequestRelay {
  /** True once the caller has a Response (the head arrived, or an error was answered). */
  answered = false;
  /** The status the caller got (0 until answered), for the access log. */
  status = 0;
  #done = false;
  #receiver?: BodyReceiver;
  #gate?: CreditGate;
  #resolve!: (r: Response) => void;
  #request?: Request;
  #bridge?: WebSocketBridge;
  readonly response: Promise<Response>;

  constructor(
    private readonly link: RelayLink,
    readonly id: number,
    /** The instance serving it. */
    readonly instance: number,
    private readonly method: string,
    /** Called once when the exchange is over, however it ended. */
    private readonly onDone: (relay: RequestRelay) => void,
    private readonly sockets?: WebSocketDeps,
  ) {
    this.response = new Promise((resolve) => (this.#resolve = resolve));
  }

  /** When the last response byte (or the head) arrived, on the pool's clock: for idleTimeoutSeconds. */
  lastByteAt = 0;

  /** True once the exchange is over, however it ended. */
  get finished(): boolean {
    return this.#done;
  }

  /** True while this exchange is an open WebSocket. */
  get isWebSocket(): boolean {
    return this.#bridge?.open ?? false;
  }

  start(request: Request, url: string, body: PreparedBody, clientIp?: string) {
    this.#request = request;
    const text = requestHeadText(
      this.method,
      url,
      request.headers,
      body.mode,
      clientIp,
      forwardedFrom(request),
    );
    this.link.sendHead(FrameType.RequestHead, this.id, text, body.inline);
    if (body.rest) {
      this.#gate = new CreditGate();
      pumpBody(body.rest, this.#gate, {
        chunk: (b) => this.link.send(FrameType.Body, this.id, b),
        end: () => this.link.send(FrameType.End, this.id),
        abort: (reason) => this.link.send(FrameType.Abort, this.id, jsonPayload({ reason })),
      });
    }
  }

  onFrame(type: FrameType, payload: Bytes) {
    if (this.#bridge) return this.#bridge.onFrame(type, payload);
    switch (type) {
      case FrameType.WebSocketAccept:
        this.#upgrade(payload);
        return;
      case FrameType.Response: {
        const { head, inline } = this.link.responseHeads?.decode(payload) ?? decodeResponseHead(payload);
        const body = head.body === "none" ? null : head.body === "text" ? UTF8.decode(inline) : inline;
        this.#answer(this.#build(head, body));
        this.#finish();
        return;
      }
      case FrameType.ResponseHead: {
        const { head } = decodeResponseHead(payload);
        this.lastByteAt = this.sockets?.clock.now() ?? 0;
        this.#receiver = new BodyReceiver(
          (n) => this.link.send(FrameType.Window, this.id, u32Payload(n)),
          () => this.cancel("the caller stopped reading"),
        );
        this.#answer(this.#build(head, this.#receiver.stream));
        return;
      }
      case FrameType.Body:
        this.lastByteAt = this.sockets?.clock.now() ?? 0;
        this.#receiver?.push(payload);
        return;
      case FrameType.End:
        this.#receiver?.end();
        this.#finish();
        return;
      case FrameType.Abort:
        this.#receiver?.abort(parseJson<{ reason: string }>(payload).reason);
        this.#finish();
        return;
      case FrameType.ResponseError:
        this.#answer(errorResponse(500, "Internal Server Error: the function threw an error"));
        this.#finish();
        return;
      case FrameType.Window:
        this.#gate?.grant(readU32(payload));
        return;
    }
  }

  /** Ends the exchange from this side: the caller left, the request timed out, or the instance died. */
  fail(status: number, message: string) {
    if (this.#done) return;
    if (this.#bridge) return this.#bridge.instanceLost(message);
    if (!this.answered) this.#answer(errorResponse(status, message));
    else this.#receiver?.abort(message);
    this.cancel(message);
  }

  /** Tells the instance to stop working on this request. */
  cancel(reason: string) {
    if (this.#done) return;
    // An open socket ends by its own close handshake (or closeSocket), not by the request's signal.
    if (this.#bridge) return;
    if (!this.link.gone) this.link.send(FrameType.Abort, this.id, jsonPayload({ reason }));
    this.#finish();
  }

  /** Closes an open WebSocket (a rollout, a shutdown): the client gets `code`, then the instance learns. */
  closeSocket(code: number, reason: string) {
    this.#bridge?.close(code, reason);
  }

  #upgrade(accept: Bytes) {
    if (!this.#request || !this.sockets) {
      this.fail(500, "the function accepted a WebSocket on a request that cannot be upgraded");
      return;
    }
    try {
      this.#bridge = new WebSocketBridge(
        this.#request,
        accept,
        this.link,
        this.id,
        this.sockets.clock,
        this.sockets.limits,
        () => this.#finish(),
      );
    } catch (err) {
      this.fail(400, `the WebSocket upgrade failed: ${(err as Error).message}`);
      return;
    }
    this.#answer(this.#bridge.response);
  }

  #build(head: ResponseHead, body: BodyInit | null): Response {
    const nullBody = NULL_BODY_STATUS.has(head.status) || this.method === "HEAD";
    return new Response(nullBody ? null : body, {
      status: head.status,
      statusText: head.statusText || undefined,
      headers: head.headers,
    });
  }

  #answer(response: Response) {
    if (this.answered) return;
    this.answered = true;
    this.status = response.status;
    this.#resolve(response);
  }

  #finish() {
    if (this.#done) return;
    this.#done = true;
    this.#gate?.cancel();
    this.onDone(this);
  }
}

/** The host and scheme the caller used, as Knative's ingress reports them (X-Forwarded-Host, -Proto). */
function forwardedFrom(request: Request): ForwardedFrom {
  // Read off the URL's text: parsing it was a visible cost per request.
  const url = request.url;
  const colon = url.indexOf(":");
  const host = request.headers.get("host");
  if (host !== null) return { host, proto: url.slice(0, colon) };
  const start = colon + 3;
  const end = url.indexOf("/", start);
  return { host: end < 0 ? url.slice(start) : url.slice(start, end), proto: url.slice(0, colon) };
}
