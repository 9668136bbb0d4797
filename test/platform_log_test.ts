/**
 * The platform's own log: `--log-format json` makes every line it writes a JSON object (start banner,
 * component lines, what a function printed, tagged with its revision), and `--quiet` leaves out info lines.
 */
import assert from "node:assert/strict";
import { eventually, FIXTURES, Platform } from "./harness.ts";

function lines(text: string): string[] {
  return text.split("\n").filter((l) => l.trim() !== "");
}

Deno.test("--log-format json: every line the platform writes is a JSON log record", async () => {
  const platform = await Platform.start({
    functions: { logger: `${FIXTURES}/logger` },
    env: { DENATIVE_LOG_FORMAT: "json" },
  });
  try {
    await platform.settled("logger");
    const res = await platform.call("logger", "/?text=json-marker-1");
    assert.equal(await res.text(), "logged");
    const records = await eventually("the function's line in the log", () => {
      const parsed = lines(platform.logs).map((l) => {
        try {
          return JSON.parse(l);
        } catch {
          throw new Error(`not a JSON line: ${l}`);
        }
      });
      return Promise.resolve(parsed.some((r) => r.msg?.includes("json-marker-1")) ? parsed : undefined);
    });
    for (const r of records) {
      assert.deepEqual(Object.keys(r).sort(), ["component", "level", "msg", "time"]);
      assert.ok(["info", "warn", "error"].includes(r.level), r.level);
      assert.ok(!Number.isNaN(Date.parse(r.time)));
    }
    assert.ok(records.some((r) => r.msg.startsWith("Dashboard: ")), "the start banner is in the log");
  } finally {
    await platform.stop();
  }
});

Deno.test("--quiet: no info lines and no banner, warnings and errors still shown", async () => {
  const platform = await Platform.start({
    functions: { logger: `${FIXTURES}/logger` },
    env: { DENATIVE_QUIET: "true" },
  });
  try {
    await platform.settled("logger");
    await (await platform.call("logger", "/?text=quiet-info-marker")).body?.cancel();
    await (await platform.call("logger", "/?level=error&text=quiet-error-marker")).body?.cancel();
    await eventually(
      "the error line",
      () => Promise.resolve(platform.logs.includes("quiet-error-marker") || undefined),
    );
    assert.ok(!platform.logs.includes("quiet-info-marker"), "an info line was written");
    assert.ok(!platform.logs.includes("Dashboard: "), "the banner was written");
    assert.equal(lines(platform.logs).filter((l) => l.includes(" info  [")).length, 0, platform.logs);
  } finally {
    await platform.stop();
  }
});
