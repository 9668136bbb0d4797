import assert from "node:assert/strict";
import { CloudEventError } from "./cloudevent_error.ts";
import { decodeUtf8, encodeUtf8 } from "./utf8.ts";

Deno.test("UTF-8 text round-trips and a leading byte order mark is kept", () => {
  const text = "\ufeffcaf\u00e9 \u{1f600}";
  assert.equal(decodeUtf8(encodeUtf8(text), "x"), text);
});

Deno.test("overlong and truncated UTF-8 is refused naming the field", () => {
  for (const bytes of [[0xc0, 0xa0], [0xe2, 0x82], [0xff]]) {
    assert.throws(
      () => decodeUtf8(new Uint8Array(bytes), "body"),
      (error: unknown) => error instanceof CloudEventError && error.field === "body",
    );
  }
});
