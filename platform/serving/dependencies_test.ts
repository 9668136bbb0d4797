import assert from "node:assert/strict";
import { needsResolution, rebaseSourceMap, resolverMessage } from "./dependencies.ts";

const file = (path: string, text = "") => ({ path, text: () => text });

Deno.test("needsResolution() is false for code that imports only relative files", () => {
  assert.equal(
    needsResolution([
      file("main.ts", 'import { x } from "./lib.ts";'),
      file("lib.ts", "export const x = 1;"),
    ]),
    false,
  );
});

Deno.test("needsResolution() is true for npm:, jsr: and remote imports and for a config or lock file", () => {
  assert.ok(needsResolution([file("main.ts", 'import { Hono } from "npm:hono@4";')]));
  assert.ok(needsResolution([file("lib/a.js", "export * from 'jsr:@std/path';")]));
  assert.ok(needsResolution([file("main.ts", 'import x from "https://example.com/x.ts";')]));
  for (const config of ["deno.json", "package.json", "deno.lock"]) {
    assert.ok(needsResolution([file("main.ts"), file(config, "{}")]), config);
  }
  // A data file that mentions npm: is not code.
  assert.equal(needsResolution([file("main.ts"), file("notes.md", '"npm:x"'), file("sub/deno.json")]), false);
});

Deno.test("resolverMessage() keeps the resolver's words and drops colours, downloads and backtraces", () => {
  const stderr = "\x1b[32mDownload\x1b[0m https://registry.npmjs.org/nope\n" +
    "\x1b[1m\x1b[31merror\x1b[0m: Could not find constraint 'nope@1' in the list of packages.\n" +
    "    at file:///tmp/main.ts:1:14\nerror: bundling failed\n\nStack backtrace:\n   0: <unknown>\n";
  assert.equal(
    resolverMessage(stderr),
    "error: Could not find constraint 'nope@1' in the list of packages. at file:///tmp/main.ts:1:14",
  );
});

Deno.test("rebaseSourceMap() keeps the function's own files relative and points packages into the cache", () => {
  const map = JSON.stringify({
    version: 3,
    sources: [
      "main.ts",
      "lib/util.ts",
      "../../state/bundles/.dependencies/npm/registry.npmjs.org/hono/4.1.0/dist/a.js",
    ],
    mappings: "AAAA",
  });
  const rebased = JSON.parse(rebaseSourceMap(map, "file:///tmp/scratch/work-1/"));
  assert.deepEqual(rebased.sources, [
    "main.ts",
    "lib/util.ts",
    "file:///tmp/state/bundles/.dependencies/npm/registry.npmjs.org/hono/4.1.0/dist/a.js",
  ]);
  assert.equal(rebased.mappings, "AAAA");
  const rooted = JSON.parse(
    rebaseSourceMap(JSON.stringify({ sources: ["main.ts"], sourceRoot: "src/" }), "file:///w/"),
  );
  assert.deepEqual(rooted.sources, ["src/main.ts"]);
  assert.equal(rooted.sourceRoot, undefined);
});
