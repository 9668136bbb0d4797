import assert from "node:assert/strict";
import { ContinueError, pageOf } from "./list_page.ts";
import type { KObject } from "../../resources/meta.ts";

const items = ["a", "b", "c", "d", "e"].map((name) =>
  ({ apiVersion: "v1", kind: "X", metadata: { name, namespace: "default" } }) as KObject
);

Deno.test("list pages: limit gives a token; following it walks the rest once", () => {
  const names: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = pageOf(items, 2, token);
    names.push(...page.items.map((o) => o.metadata.name));
    token = page.continue;
    if (token) assert.equal(page.remainingItemCount, items.length - names.length);
    pages++;
  } while (token);
  assert.deepEqual(names, ["a", "b", "c", "d", "e"]);
  assert.equal(pages, 3);
  assert.deepEqual(pageOf(items, undefined, undefined).items.length, 5);
  assert.throws(() => pageOf(items, 2, "garbage!"), ContinueError);
});
