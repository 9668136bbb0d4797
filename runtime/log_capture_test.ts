import assert from "node:assert/strict";
import { captureConsole, type CapturedLog, formatArgs, MAX_LOG_MESSAGE } from "./log_capture.ts";

Deno.test("captureConsole() turns each console method into a record with its level", () => {
  const logs: CapturedLog[] = [];
  const fake = {} as Console;
  captureConsole(fake, (l) => logs.push(l), () => 42);
  fake.log("hello", { a: 1 });
  fake.info("i");
  fake.warn("w");
  fake.error(new Error("boom"));
  fake.debug("d");
  fake.assert(true, "not printed");
  fake.assert(false, "broken");
  assert.deepEqual(logs.map((l) => [l.level, l.time]), [
    ["info", 42],
    ["info", 42],
    ["warn", 42],
    ["error", 42],
    ["debug", 42],
    ["error", 42],
  ]);
  assert.equal(logs[0].message, "hello { a: 1 }");
  assert.match(logs[3].message, /Error: boom/);
  assert.equal(logs[5].message, "Assertion failed: broken");
});

Deno.test("formatArgs() cuts a runaway message", () => {
  const text = formatArgs(["x".repeat(MAX_LOG_MESSAGE + 10)]);
  assert.ok(text.length < MAX_LOG_MESSAGE + 20);
  assert.ok(text.endsWith("(cut)"));
});
