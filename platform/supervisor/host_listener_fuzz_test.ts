/**
 * The instance-link listener faces anything a local process sends: arbitrary bytes before a Hello
 * are dropped, an endless pre-Hello frame is cut off, and a real Hello still connects afterwards.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { HostListener, MAX_HANDSHAKE_BYTES } from "./host_listener.ts";
import { encodeFrame, FrameType, jsonPayload } from "../../runtime/protocol.ts";
import { fuzzParams } from "../../test/fuzz/fuzz_runs.ts";

async function sendAndWaitClosed(path: string, bytes: Uint8Array): Promise<void> {
  const conn = await Deno.connect({ transport: "unix", path });
  try {
    await conn.write(bytes).catch(() => 0);
    const buf = new Uint8Array(16);
    // The listener closes whatever is not a valid Hello (or keeps waiting for more of a frame;
    // then closing our side ends it).
    await conn.closeWrite().catch(() => {});
    while ((await conn.read(buf).catch(() => null)) !== null) { /* drain */ }
  } finally {
    try {
      conn.close();
    } catch { /* closed by the listener */ }
  }
}

Deno.test("the link listener drops arbitrary bytes and still accepts a real Hello", async () => {
  const listener = await HostListener.open();
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.record({ type: fc.integer({ min: 0, max: 255 }), token: fc.jsonValue() }).map((
            { type, token },
          ) => encodeFrame(type as FrameType, 0, jsonPayload({ token }))),
          fc.jsonValue().map((v) => encodeFrame(FrameType.Hello, 0, jsonPayload(v))),
        ),
        async (bytes) => await sendAndWaitClosed(listener.linkPath, bytes),
      ),
      fuzzParams(200),
    );
    const waiting = listener.expect("the-token", 5_000, "the instance");
    const conn = await Deno.connect({ transport: "unix", path: listener.linkPath });
    await conn.write(encodeFrame(FrameType.Hello, 0, jsonPayload({ token: "the-token" })));
    const connected = await waiting;
    assert.ok(connected.conn);
    connected.conn.close();
  } finally {
    await listener.close();
  }
});

Deno.test("the link listener cuts off a connection that sends a huge frame instead of a Hello", async () => {
  const listener = await HostListener.open();
  try {
    const conn = await Deno.connect({ transport: "unix", path: listener.linkPath });
    const header = new Uint8Array(4);
    new DataView(header.buffer).setUint32(0, 0xfffffff0);
    await conn.write(header);
    const chunk = new Uint8Array(4096);
    let sent = 0;
    let cutOff = false;
    // The listener must close the link well before the frame (4 GiB) is complete.
    while (sent < MAX_HANDSHAKE_BYTES * 1024) {
      try {
        sent += await conn.write(chunk);
      } catch {
        cutOff = true;
        break;
      }
    }
    try {
      conn.close();
    } catch { /* closed */ }
    assert.ok(cutOff, `the listener still read after ${sent} bytes`);
  } finally {
    await listener.close();
  }
});
