import assert from "node:assert/strict";
import { IdTable } from "./id_table.ts";

Deno.test("id table: set, get, has, delete and size over increasing ids", () => {
  const table = new IdTable<{ n: number }>();
  for (let id = 1; id <= 5000; id++) {
    table.set(id, { n: id });
    // Like requests in flight: a window of about 32 live entries.
    if (id > 32) assert.equal(table.delete(id - 32), true);
  }
  assert.equal(table.size, 32);
  assert.equal(table.get(4969)?.n, 4969);
  assert.equal(table.get(4968), undefined);
  assert.equal(table.has(5000), true);
  assert.equal(table.delete(4968), false);
  assert.deepEqual(
    table.values().map((v) => v.n).sort((a, b) => a - b),
    [...Array(32)].map((_, i) => 4969 + i),
  );
  table.set(5000, { n: -1 });
  assert.equal(table.size, 32);
  assert.equal(table.get(5000)?.n, -1);
  // Stream numbers go up to 2^32 - 16 before they wrap.
  table.set(0xfffffff0, { n: 7 });
  assert.equal(table.get(0xfffffff0)?.n, 7);
  assert.equal(table.size, 33);
});
