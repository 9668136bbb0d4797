/**
 * The platform's end of a function's WebSocket: the client's real socket (from
 * `Deno.upgradeWebSocket` on the request the data plane received), bridged to the instance's
 * RelayedWebSocket over the instance link.
 *
 * Memory stays bounded both ways. Instance -> client: the instance may have a window of bytes
 * unacknowledged; credit goes back only while the client socket's `bufferedAmount` is low, so a
 * client that reads slowly makes the function's `bufferedAmount` grow instead of the platform's
 * memory. Client -> instance: the WebSocket API cannot pause reading a client, so messages waiting
 * for the instance's credit are capped at `backlogBytes`; past it the socket closes with 1009.
 */
import { after, type Clock } from "../clock/clock.ts";
import { FrameType, jsonPayload, parseJson, readU32, u32Payload } from "../../runtime/protocol.ts";
import type { Bytes } from "../../runtime/protocol.ts";
import {
  type CloseInfo,
  CreditedQueue,
  messageFrom,
  messagePayload,
  sendableCloseCode,
} from "../../runtime/websocket_frames.ts";
import { upgradeOptions } from "../http/guarded_server.ts";

/** The part of an instance's link a bridge writes to. */
export interface SocketLink {
  readonly gone: boolean;
  send(type: FrameType, stream: number, payload?: Bytes): Promise<void> | void;
}

export interface WebSocketLimits {
  /** Knative's idleTimeoutSeconds, ms: a socket with no message either way for this long is closed. 0 = never. */
  idleTimeoutMs: number;
  /** Client messages held while the instance has no credit, bytes. */
  backlogBytes: number;
  /** Client-side bytes buffered past which the instance gets no more credit. */
  clientBufferBytes: number;
}

/** How often a bridge waiting for a slow client looks at its `bufferedAmount` again, ms. */
const DRAIN_POLL_MS = 5;

export class WebSocketBridge {
  readonly response: Response;
  #ws: WebSocket;
  #toInstance = new CreditedQueue();
  /** Credit owed to the instance, held back while the client is slow. */
  #owed = 0;
  #draining = false;
  #lastActive: number;
  #cancelIdle: () => void = () => {};
  #over = false;

  constructor(
    request: Request,
    accept: Bytes,
    private readonly link: SocketLink,
    private readonly stream: number,
    private readonly clock: Clock,
    private readonly limits: WebSocketLimits,
    /** Called once, when the instance has been told the socket is closed (or the link is gone). */
    private readonly onOver: () => void,
  ) {
    const { protocol } = parseJson<{ protocol?: string }>(accept);
    const { socket, response } = Deno.upgradeWebSocket(request, {
      ...(protocol ? { protocol } : {}),
      ...upgradeOptions(request),
    });
    this.response = response;
    this.#ws = socket;
    socket.binaryType = "arraybuffer";
    this.#lastActive = clock.now();
    socket.onopen = () => {
      this.link.send(FrameType.WebSocketOpen, stream);
      this.#armIdle(limits.idleTimeoutMs);
    };
    socket.onmessage = (e) => this.#fromClient(e.data);
    socket.onclose = (e) => this.#clientClosed({ code: e.code, reason: e.reason });
  }

  /** True while the client's socket is open or closing. */
  get open(): boolean {
    return !this.#over;
  }

  /** A frame the instance sent for this socket. */
  onFrame(type: FrameType, payload: Bytes) {
    switch (type) {
      case FrameType.WebSocketMessage:
        this.#fromInstance(payload);
        return;
      case FrameType.Window:
        this.#toInstance.grant(readU32(payload));
        return;
      case FrameType.WebSocketClose: {
        const { code, reason } = parseJson<CloseInfo>(payload);
        this.close(code, reason);
        return;
      }
      case FrameType.Abort:
        this.close(1011, "the function's socket failed");
        return;
    }
  }

  /** Closes the client's socket (its close reply then tells the instance). */
  close(code: number, reason: string) {
    if (this.#ws.readyState >= WebSocket.CLOSING) return;
    try {
      this.#ws.close(sendableCloseCode(code) ? code : 1000, reason);
    } catch {
      this.#ws.close(1011);
    }
  }

  /** The instance is gone: close the client's socket; nothing more goes over the link. */
  instanceLost(reason: string) {
    this.#toInstance.clear();
    this.close(1011, reason.slice(0, 120));
    this.#finish();
  }

  #fromClient(data: string | ArrayBuffer) {
    this.#lastActive = this.clock.now();
    const payload = messagePayload(typeof data === "string" ? data : new Uint8Array(data));
    if (this.#toInstance.buffered + payload.byteLength > this.limits.backlogBytes) {
      this.close(1009, "the function is not keeping up with the messages sent to it");
      return;
    }
    this.#toInstance.push(
      payload.byteLength,
      () => this.link.send(FrameType.WebSocketMessage, this.stream, payload),
    );
  }

  #fromInstance(payload: Bytes) {
    this.#lastActive = this.clock.now();
    if (this.#ws.readyState === WebSocket.OPEN) {
      const message = messageFrom(payload);
      this.#ws.send(message);
    }
    this.#owed += payload.byteLength;
    this.#repay();
  }

  /** Hands credit back to the instance once the client has taken what it was sent. */
  #repay() {
    if (this.#draining || this.#owed === 0 || this.#over) return;
    if (this.#ws.readyState === WebSocket.OPEN && this.#ws.bufferedAmount > this.limits.clientBufferBytes) {
      this.#draining = true;
      after(this.clock, DRAIN_POLL_MS, () => {
        this.#draining = false;
        this.#repay();
      });
      return;
    }
    const n = this.#owed;
    this.#owed = 0;
    this.link.send(FrameType.Window, this.stream, u32Payload(n));
  }

  #clientClosed(info: CloseInfo) {
    if (this.#over) return;
    // Behind the messages still queued for the instance, so the function sees them first.
    this.#toInstance.push(0, () => {
      if (!this.link.gone) this.link.send(FrameType.WebSocketClose, this.stream, jsonPayload(info));
      this.#finish();
    });
    // An instance that never gives credit back must not keep the socket counted forever.
    after(this.clock, 1000, () => {
      this.#toInstance.clear();
      if (!this.#over && !this.link.gone) {
        this.link.send(FrameType.WebSocketClose, this.stream, jsonPayload(info));
      }
      this.#finish();
    });
  }

  #armIdle(ms: number) {
    if (this.limits.idleTimeoutMs <= 0) return;
    this.#cancelIdle = after(this.clock, ms, () => {
      if (this.#over) return;
      const idle = this.clock.now() - this.#lastActive;
      if (idle >= this.limits.idleTimeoutMs) {
        this.close(1001, `idle for ${Math.round(idle / 1000)}s`);
      } else this.#armIdle(this.limits.idleTimeoutMs - idle);
    });
  }

  #finish() {
    if (this.#over) return;
    this.#over = true;
    this.#cancelIdle();
    this.onOver();
  }
}
