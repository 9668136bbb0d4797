import assert from "node:assert/strict";
import { parseByteSize } from "./byte_size.ts";

Deno.test("parseByteSize() reads plain, binary and decimal sizes", () => {
  assert.equal(parseByteSize("1048576"), 1048576);
  assert.equal(parseByteSize("10Mi"), 10 * 1024 * 1024);
  assert.equal(parseByteSize("512Ki"), 512 * 1024);
  assert.equal(parseByteSize("1.5k"), 1500);
  assert.equal(parseByteSize(" 2G "), 2e9);
});

Deno.test("parseByteSize() refuses what is not a size", () => {
  for (const bad of ["", "-1", "10MB", "ten", "1e3", "Mi", "99999999999999999999Gi"]) {
    assert.equal(parseByteSize(bad), undefined, bad);
  }
});
