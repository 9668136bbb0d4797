import assert from "node:assert/strict";
import { FrameType, parseJson, readU32 } from "./protocol.ts";
import type { Bytes } from "./protocol.ts";
import { InstanceSockets } from "./relayed_websocket.ts";
import { messageFrom, messagePayload } from "./websocket_frames.ts";

function setup() {
  const sent: { type: FrameType; stream: number; payload?: Bytes }[] = [];
  const sockets = new InstanceSockets((type, stream, payload) => void sent.push({ type, stream, payload }));
  const request = new Request("http://echo/chat", { headers: { upgrade: "websocket" } });
  const { socket, response } = sockets.upgrade(request);
  return { sent, sockets, socket, response };
}

Deno.test("upgrade() refuses a request that is not a WebSocket upgrade", () => {
  const sockets = new InstanceSockets(() => {});
  assert.throws(() => sockets.upgrade(new Request("http://x/")), TypeError);
});

Deno.test("an accepted socket opens, delivers messages, hands credit back and echoes", () => {
  const { sent, sockets, socket, response } = setup();
  const events: string[] = [];
  socket.onopen = () => events.push("open");
  socket.onmessage = (e) => {
    events.push(`message ${e.data}`);
    socket.send(e.data);
  };
  assert.ok(!sockets.accept(7, new Response("other")));
  assert.ok(sockets.accept(7, response));
  assert.equal(sent[0].type, FrameType.WebSocketAccept);
  assert.throws(() => socket.send("too early"), /InvalidStateError|readyState/);
  sockets.onFrame(FrameType.WebSocketOpen, 7, new Uint8Array(0));
  sockets.onFrame(FrameType.WebSocketMessage, 7, messagePayload("hi"));
  assert.deepEqual(events, ["open", "message hi"]);
  const echo = sent.find((f) => f.type === FrameType.WebSocketMessage)!;
  assert.equal(messageFrom(echo.payload!), "hi");
  const window = sent.find((f) => f.type === FrameType.Window)!;
  assert.equal(readU32(window.payload!), messagePayload("hi").byteLength);
});

Deno.test("send() past the window waits for credit and shows in bufferedAmount", () => {
  const { sent, sockets, socket, response } = setup();
  sockets.accept(1, response);
  sockets.onFrame(FrameType.WebSocketOpen, 1, new Uint8Array(0));
  const mib = new Uint8Array(1024 * 1024);
  socket.send(mib); // the window has credit left: goes
  socket.send(mib);
  assert.equal(sent.filter((f) => f.type === FrameType.WebSocketMessage).length, 1);
  assert.equal(socket.bufferedAmount, mib.byteLength + 1);
  sockets.onFrame(FrameType.Window, 1, new Uint8Array([0, 0x10, 0, 1]));
  assert.equal(sent.filter((f) => f.type === FrameType.WebSocketMessage).length, 2);
  assert.equal(socket.bufferedAmount, 0);
});

Deno.test("close() sends the code and reason; the close event follows the platform's close", () => {
  const { sent, sockets, socket, response } = setup();
  let closed: CloseEvent | undefined;
  socket.onclose = (e) => (closed = e);
  sockets.accept(2, response);
  sockets.onFrame(FrameType.WebSocketOpen, 2, new Uint8Array(0));
  assert.throws(() => socket.close(1001), /InvalidAccessError|close code/);
  socket.close(4000, "done");
  assert.equal(socket.readyState, 2);
  const close = sent.find((f) => f.type === FrameType.WebSocketClose)!;
  assert.deepEqual(parseJson(close.payload!), { code: 4000, reason: "done" });
  sockets.onFrame(FrameType.WebSocketClose, 2, new TextEncoder().encode('{"code":4000,"reason":"done"}'));
  assert.equal(socket.readyState, 3);
  assert.equal(closed?.code, 4000);
  assert.equal(closed?.wasClean, true);
  assert.ok(!sockets.onFrame(FrameType.WebSocketMessage, 2, messagePayload("late")));
});
