import assert from "node:assert/strict";
import { CreditedQueue, messageFrom, messagePayload, sendableCloseCode } from "./websocket_frames.ts";

Deno.test("messagePayload() and messageFrom() carry text and bytes apart", () => {
  assert.equal(messageFrom(messagePayload("héllo")), "héllo");
  assert.deepEqual(messageFrom(messagePayload(new Uint8Array([1, 2, 3]))), new Uint8Array([1, 2, 3]));
  assert.deepEqual(messageFrom(messagePayload(new Uint8Array(0))), new Uint8Array(0));
});

Deno.test("CreditedQueue sends while credit lasts, then waits for grants, in order", () => {
  const sent: string[] = [];
  const q = new CreditedQueue(10);
  q.push(6, () => sent.push("a"));
  q.push(6, () => sent.push("b")); // credit 4 left: goes, credit -2
  q.push(6, () => sent.push("c"));
  assert.deepEqual(sent, ["a", "b"]);
  assert.equal(q.buffered, 6);
  q.grant(2); // back to 0: still waits
  assert.deepEqual(sent, ["a", "b"]);
  q.grant(1);
  assert.deepEqual(sent, ["a", "b", "c"]);
  assert.equal(q.buffered, 0);
});

Deno.test("CreditedQueue lets a message bigger than the window go alone, and a close wait behind messages", () => {
  const sent: string[] = [];
  const q = new CreditedQueue(10);
  q.push(1000, () => sent.push("big"));
  q.push(1, () => sent.push("small"));
  q.push(0, () => sent.push("close"));
  assert.deepEqual(sent, ["big"]);
  q.grant(1000);
  assert.deepEqual(sent, ["big", "small", "close"]);
});

Deno.test("sendableCloseCode() refuses the codes that never travel", () => {
  for (const code of [1000, 1001, 1009, 1011, 3000, 4999]) assert.ok(sendableCloseCode(code), String(code));
  for (const code of [999, 1004, 1005, 1006, 1015, 2000, 5000]) {
    assert.ok(!sendableCloseCode(code), String(code));
  }
});
