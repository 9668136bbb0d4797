import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { isValidTimeZone, parseScheduleAnnotation } from "./schedule_annotation.ts";

function errorsOf(text: string): string[] {
  const result = parseScheduleAnnotation(text);
  if (result.ok) throw new Error(`expected errors for ${text}`);
  return result.errors;
}

Deno.test("parseScheduleAnnotation() reads a JSON array and defaults the time zone to UTC", () => {
  const result = parseScheduleAnnotation(
    '[{"start":"0 9 * * 1-5","end":"0 18 * * 1-5","minScale":3},' +
      '{"start":"0 22 * * *","end":"0 6 * * *","minScale":1,"timezone":"Asia/Shanghai"}]',
  );
  assertEquals(result, {
    ok: true,
    windows: [
      { start: "0 9 * * 1-5", end: "0 18 * * 1-5", minScale: 3, timezone: "UTC" },
      { start: "0 22 * * *", end: "0 6 * * *", minScale: 1, timezone: "Asia/Shanghai" },
    ],
  });
});

Deno.test("parseScheduleAnnotation() reads a single JSON object as one window", () => {
  const result = parseScheduleAnnotation(
    '{"start":"0 9 * * *","end":"0 17 * * *","min-scale":"2","timeZone":"UTC"}',
  );
  assertEquals(result, {
    ok: true,
    windows: [{ start: "0 9 * * *", end: "0 17 * * *", minScale: 2, timezone: "UTC" }],
  });
});

Deno.test("parseScheduleAnnotation() reads a YAML list with comments and quoted and plain scalars", () => {
  const text = `
# office hours in Shanghai
- start: "0 9 * * 1-5"
  end: '0 18 * * 1-5'   # weekdays
  minScale: 3
  timezone: Asia/Shanghai
-
  start: 0 22 * * *
  end: "0 6 * * *"
  minScale: 1
`;
  assertEquals(parseScheduleAnnotation(text), {
    ok: true,
    windows: [
      { start: "0 9 * * 1-5", end: "0 18 * * 1-5", minScale: 3, timezone: "Asia/Shanghai" },
      { start: "0 22 * * *", end: "0 6 * * *", minScale: 1, timezone: "UTC" },
    ],
  });
});

Deno.test("parseScheduleAnnotation() treats an empty annotation as no schedule", () => {
  assertEquals(parseScheduleAnnotation("  "), { ok: true, windows: [] });
  assertEquals(parseScheduleAnnotation("[]"), { ok: true, windows: [] });
});

const INVALID: [string, string, string][] = [
  [
    "a cron pattern with a bad field",
    '[{"start":"0 25 * * *","end":"0 6 * * *","minScale":1}]',
    "window 0: start",
  ],
  [
    "a cron pattern with too few fields",
    '[{"start":"0 9 * *","end":"0 6 * * *","minScale":1}]',
    "not a valid cron",
  ],
  ["a missing end", '[{"start":"0 9 * * *","minScale":1}]', "end must be a cron pattern"],
  [
    "an unknown time zone",
    '[{"start":"0 9 * * *","end":"0 6 * * *","minScale":1,"timezone":"Mars/Base"}]',
    "timezone",
  ],
  [
    "a negative minScale",
    '[{"start":"0 9 * * *","end":"0 6 * * *","minScale":-1}]',
    "minScale must be an integer",
  ],
  [
    "a fractional minScale",
    '[{"start":"0 9 * * *","end":"0 6 * * *","minScale":1.5}]',
    "minScale must be an integer",
  ],
  [
    "an unknown field",
    '[{"start":"0 9 * * *","end":"0 6 * * *","minScale":1,"max":3}]',
    'unknown field "max"',
  ],
  ["a list of strings", '["0 9 * * *"]', "must be an object"],
  ["broken JSON", '[{"start":', "not a JSON array or YAML list"],
  ["YAML without a list item", "start: 0 9 * * *", 'expected a list item starting with "-"'],
  ["YAML with a line that is not key: value", "- start 0 9 * * *", 'expected "key: value"'],
  ["YAML with a flow mapping", "- {start: x}", "write the schedule as JSON"],
  ["YAML with a duplicate key", "- start: 0 9 * * *\n  start: 0 9 * * *", "duplicate key"],
  ["YAML with an unterminated quote", '- start: "0 9 * * *', "unterminated"],
];

for (const [name, text, fragment] of INVALID) {
  Deno.test(`parseScheduleAnnotation() refuses ${name}`, () => {
    const errors = errorsOf(text);
    assert(errors.some((e) => e.includes(fragment)), `${JSON.stringify(errors)} lacks "${fragment}"`);
  });
}

Deno.test("parseScheduleAnnotation() numbers each bad window", () => {
  const errors = errorsOf(
    '[{"start":"0 9 * * *","end":"0 6 * * *","minScale":1},{"start":"x","end":"0 6 * * *","minScale":1}]',
  );
  assertEquals(errors.length, 1);
  assert(errors[0].startsWith("window 1: start"));
});

Deno.test("isValidTimeZone() knows IANA names and refuses others", () => {
  assertEquals([isValidTimeZone("Asia/Shanghai"), isValidTimeZone("UTC"), isValidTimeZone("Nowhere/Land")], [
    true,
    true,
    false,
  ]);
});
