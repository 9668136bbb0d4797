import assert from "node:assert/strict";
import { type FlagSpec, parseArgs } from "./args.ts";
import { UsageError } from "./cli_error.ts";

const specs: FlagSpec[] = [
  { name: "namespace", short: "n", description: "" },
  { name: "traffic", multiple: true, description: "" },
  { name: "no-wait", type: "boolean", description: "" },
  { name: "help", short: "h", type: "boolean", description: "" },
  { name: "filename", short: "f", description: "" },
];

Deno.test("parseArgs() reads long, short and inline flags among positionals", () => {
  const { flags, positionals } = parseArgs(
    ["service", "-n", "prod", "update", "hello", "--traffic=a=50", "--traffic", "@latest=50", "--no-wait"],
    specs,
  );
  assert.deepEqual(positionals, ["service", "update", "hello"]);
  assert.deepEqual(flags, { namespace: "prod", traffic: ["a=50", "@latest=50"], "no-wait": true });
});

Deno.test("parseArgs() accepts -n=value and -nvalue, and '-' as a value", () => {
  assert.equal(parseArgs(["-n=x"], specs).flags.namespace, "x");
  assert.equal(parseArgs(["-nx"], specs).flags.namespace, "x");
  assert.equal(parseArgs(["-f", "-"], specs).flags.filename, "-");
  assert.deepEqual(parseArgs(["apply", "-"], specs).positionals, ["apply", "-"]);
});

Deno.test("parseArgs() lets the last of a single-valued flag win and reads --flag=false", () => {
  const { flags } = parseArgs(["-n", "a", "--namespace", "b", "--no-wait=false"], specs);
  assert.equal(flags.namespace, "b");
  assert.equal(flags["no-wait"], false);
});

Deno.test("parseArgs() stops reading flags after --", () => {
  assert.deepEqual(parseArgs(["a", "--", "--help", "-n"], specs).positionals, ["a", "--help", "-n"]);
});

Deno.test("parseArgs() refuses unknown flags and missing values", () => {
  assert.throws(
    () => parseArgs(["--nope"], specs),
    (e) => e instanceof UsageError && /unknown flag: --nope/.test(e.message),
  );
  assert.throws(() => parseArgs(["-z"], specs), /unknown flag: -z/);
  assert.throws(() => parseArgs(["-n"], specs), /flag needs an argument: -n/);
  assert.throws(() => parseArgs(["--no-wait=maybe"], specs), /want true or false/);
});

Deno.test("parseArgs() in lenient mode skips unknown flags and still finds the positionals", () => {
  assert.deepEqual(parseArgs(["service", "--bogus", "list", "-n", "x"], specs, { lenient: true }), {
    flags: { namespace: "x" },
    positionals: ["service", "list"],
  });
});
