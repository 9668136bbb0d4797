import { deepStrictEqual as assertEquals, equal } from "node:assert/strict";
import { consoleText, createLogger, formatLogLine } from "./log.ts";

const T = new Date("2026-12-03T10:00:00.000Z");

function capture(options: Parameters<typeof createLogger>[1] = {}) {
  const lines: string[] = [];
  const log = createLogger("serving", { ...options, write: (l) => lines.push(l), now: () => T });
  return { log, lines };
}

Deno.test("text lines carry time, level and component", () => {
  equal(
    formatLogLine("text", T, "warn", "autoscaler", "hi"),
    "2026-12-03T10:00:00.000Z warn  [autoscaler] hi\n",
  );
});

Deno.test("JSON lines are one object each, with the same fields", () => {
  const { log, lines } = capture({ format: "json" });
  log.child("autoscaler").error('scale "x"\nfailed');
  equal(lines.length, 1);
  equal(lines[0].endsWith("\n"), true);
  assertEquals(JSON.parse(lines[0]), {
    time: "2026-12-03T10:00:00.000Z",
    level: "error",
    component: "autoscaler",
    msg: 'scale "x"\nfailed',
  });
});

Deno.test("quiet leaves out info lines, in children too, and keeps warnings and errors", () => {
  const { log, lines } = capture({ quiet: true });
  log.info("started");
  log.child("x").info("started");
  log.warn("careful");
  log.child("x").error("broken");
  assertEquals(lines.map((l) => l.split(" ")[1]), ["warn", "error"]);
});

Deno.test("console arguments are joined as console prints them", () => {
  equal(consoleText(["a", 1, { b: 2 }]), "a 1 { b: 2 }");
});
