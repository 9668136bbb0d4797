/**
 * WebSockets inside an instance: `Deno.upgradeWebSocket(request)` as a function calls it. The
 * request came over the instance link, not from a Deno HTTP server, so the real upgrade cannot
 * run here; the platform's data plane holds the client's socket and relays its messages. The
 * function gets a RelayedWebSocket (the WebSocket API: send, close, bufferedAmount, binaryType,
 * open/message/close/error events) and returns the response it was given, which the instance
 * turns into a WebSocketAccept frame.
 */
import { FrameType, jsonPayload, parseJson, readU32, u32Payload } from "./protocol.ts";
import type { Bytes } from "./protocol.ts";
import { type CloseInfo, CreditedQueue, messageFrom, messagePayload } from "./websocket_frames.ts";

/** What a socket needs from the link. */
export type SendFrame = (type: FrameType, stream: number, payload?: Bytes) => void;

export class RelayedWebSocket extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSING = 2;
  readonly CLOSED = 3;

  readyState = 0;
  binaryType: BinaryType = "arraybuffer";
  readonly extensions = "";
  onopen: ((ev: Event) => unknown) | null = null;
  onmessage: ((ev: MessageEvent) => unknown) | null = null;
  onclose: ((ev: CloseEvent) => unknown) | null = null;
  onerror: ((ev: Event) => unknown) | null = null;
  /** Set once the function returned the upgrade response and the platform was told. */
  stream = -1;
  #out = new CreditedQueue();
  #send: SendFrame = () => {};
  /** Blobs are read before they are sent; later messages (and the close) wait behind them. */
  #pending: Promise<void> = Promise.resolve();
  #blobsReading = 0;

  constructor(readonly url: string, readonly protocol: string) {
    super();
  }

  get bufferedAmount(): number {
    return this.#out.buffered;
  }

  send(data: string | ArrayBufferLike | ArrayBufferView | Blob) {
    if (this.readyState === 0) throw new DOMException("readyState not OPEN", "InvalidStateError");
    if (this.readyState !== 1) return;
    if (data instanceof Blob) {
      this.#blobsReading++;
      this.#pending = this.#pending.then(async () => {
        this.#queue(new Uint8Array(await data.arrayBuffer()));
        this.#blobsReading--;
      });
      return;
    }
    const bytes = typeof data === "string"
      ? data
      : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);
    // Queued at once (bufferedAmount grows now) unless a Blob before it is still being read.
    if (this.#blobsReading === 0) this.#queue(bytes);
    else this.#pending = this.#pending.then(() => this.#queue(bytes));
  }

  close(code?: number, reason?: string) {
    if (code !== undefined && code !== 1000 && !(code >= 3000 && code <= 4999)) {
      throw new DOMException(
        `The close code must be 1000 or between 3000 and 4999, not ${code}`,
        "InvalidAccessError",
      );
    }
    if (this.readyState >= 2) return;
    const wasOpen = this.readyState === 1;
    this.readyState = 2;
    const info: CloseInfo = { code: code ?? 1000, reason: reason ?? "" };
    if (!wasOpen) return this.closed({ code: 1006, reason: "closed before the upgrade completed" }, false);
    const sendClose = () =>
      this.#out.push(0, () => this.#send(FrameType.WebSocketClose, this.stream, jsonPayload(info)));
    if (this.#blobsReading === 0) sendClose();
    else this.#pending = this.#pending.then(sendClose);
  }

  /** The instance sent WebSocketAccept for it on `stream`. */
  accepted(stream: number, send: SendFrame) {
    this.stream = stream;
    this.#send = send;
  }

  opened() {
    if (this.readyState !== 0) return;
    this.readyState = 1;
    this.#fire(new Event("open"), this.onopen);
  }

  received(payload: Bytes) {
    if (this.readyState !== 1) {
      return this.#send(FrameType.Window, this.stream, u32Payload(payload.byteLength));
    }
    const message = messageFrom(payload);
    const data = typeof message === "string"
      ? message
      : this.binaryType === "blob"
      ? new Blob([message])
      : message.buffer;
    try {
      this.#fire(new MessageEvent("message", { data }), this.onmessage);
    } finally {
      this.#send(FrameType.Window, this.stream, u32Payload(payload.byteLength));
    }
  }

  granted(bytes: number) {
    this.#out.grant(bytes);
  }

  /** The socket is over: the client closed it, the platform did, or the link failed (wasClean false). */
  closed(info: CloseInfo, wasClean = true) {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.#out.clear();
    if (!wasClean) this.#fire(new Event("error"), this.onerror);
    this.#fire(new CloseEvent("close", { ...info, wasClean }), this.onclose);
  }

  #queue(data: string | Uint8Array) {
    if (this.readyState === 3) return;
    const payload = messagePayload(data);
    this.#out.push(payload.byteLength, () => this.#send(FrameType.WebSocketMessage, this.stream, payload));
  }

  // deno-lint-ignore no-explicit-any
  #fire(event: Event, handler: ((ev: any) => unknown) | null) {
    this.dispatchEvent(event);
    try {
      handler?.call(this, event);
    } catch (err) {
      reportError(err);
    }
  }
}

/** The sockets of one instance, by stream id, and the upgrade responses waiting to be returned. */
export class InstanceSockets {
  #open = new Map<number, RelayedWebSocket>();
  #upgrades = new WeakMap<Response, RelayedWebSocket>();

  constructor(private readonly send: SendFrame) {}

  /** `Deno.upgradeWebSocket` for requests that came over the link. */
  upgrade = (request: Request, options?: Deno.UpgradeWebSocketOptions): Deno.WebSocketUpgrade => {
    const upgrade = request.headers.get("upgrade") ?? "";
    if (!upgrade.toLowerCase().split(",").some((v) => v.trim() === "websocket")) {
      throw new TypeError("Invalid Header: 'upgrade' header must contain 'websocket'");
    }
    const socket = new RelayedWebSocket(request.url, options?.protocol ?? "");
    const response = new Response(null, { status: 200 });
    this.#upgrades.set(response, socket);
    return { socket: socket as unknown as WebSocket, response };
  };

  /**
   * If `response` is an upgrade response, tells the platform to accept the client's socket and
   * returns true.
   */
  accept(stream: number, response: Response): boolean {
    const socket = this.#upgrades.get(response);
    if (!socket) return false;
    this.#upgrades.delete(response);
    socket.accepted(stream, this.send);
    this.#open.set(stream, socket);
    socket.addEventListener("close", () => this.#open.delete(stream));
    this.send(FrameType.WebSocketAccept, stream, jsonPayload({ protocol: socket.protocol }));
    return true;
  }

  /** Handles a frame for one of the sockets; false when `stream` is not a socket. */
  onFrame(type: FrameType, stream: number, payload: Bytes): boolean {
    const socket = this.#open.get(stream);
    if (!socket) return false;
    switch (type) {
      case FrameType.WebSocketOpen:
        socket.opened();
        return true;
      case FrameType.WebSocketMessage:
        socket.received(payload);
        return true;
      case FrameType.Window:
        socket.granted(readU32(payload));
        return true;
      case FrameType.WebSocketClose:
        socket.closed(parseJson<CloseInfo>(payload));
        return true;
      case FrameType.Abort:
        socket.closed({ code: 1006, reason: "the connection to the client was lost" }, false);
        return true;
    }
    return false;
  }
}
