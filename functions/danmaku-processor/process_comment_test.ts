import assert from "node:assert/strict";
import { LANES, parseRawComment, processComment, workMs } from "./process_comment.ts";

Deno.test("processComment() tidies, masks and stamps a comment", () => {
  const out = processComment(
    { id: "c1", text: "  what   a SCAM \n", author: "p1", sentAt: 5 },
    "proc-00001",
    1000,
  );
  assert.equal(out.text, "what a ****");
  assert.equal(out.masked, 1);
  assert.equal(out.id, "c1");
  assert.equal(out.author, "p1");
  assert.equal(out.sentAt, 5);
  assert.equal(out.processedAt, 1000);
  assert.equal(out.processedBy, "proc-00001");
});

Deno.test("processComment() derives lane, colour and speed from the text alone", () => {
  const a = processComment({ id: "a", text: "hello" }, "r", 1);
  const b = processComment({ id: "b", text: "hello" }, "r", 2);
  assert.deepEqual([a.lane, a.color, a.speed], [b.lane, b.color, b.speed]);
  const lanes = new Set<number>();
  for (let i = 0; i < 200; i++) {
    const c = processComment({ id: String(i), text: `comment ${i}` }, "r", 0);
    assert.ok(c.lane >= 0 && c.lane < LANES);
    assert.ok(c.speed >= 7 && c.speed <= 10);
    assert.match(c.color, /^#[0-9a-f]{6}$/);
    lanes.add(c.lane);
  }
  assert.equal(lanes.size, LANES, "200 texts spread over every lane");
});

Deno.test("parseRawComment() names what is wrong with the data", () => {
  assert.deepEqual(parseRawComment("x"), { error: "data must be a JSON object" });
  assert.deepEqual(parseRawComment({ text: "t" }), { error: "data.id must be a non-empty string" });
  assert.deepEqual(parseRawComment({ id: "i", text: "t", extra: 1 }), { comment: { id: "i", text: "t" } });
});

Deno.test("workMs() is 20-50 ms", () => {
  for (let i = 0; i < 100; i++) {
    const ms = workMs(`text ${i}`);
    assert.ok(ms >= 20 && ms <= 50, `${ms}`);
  }
});
