import assert from "node:assert/strict";
import { CloudEventError } from "./cloudevent_error.ts";
import { decodeHeaderValue, encodeHeaderValue } from "./percent_encoding.ts";

Deno.test("the specification's example encodes space, euro sign and emoji as UTF-8 bytes", () => {
  assert.equal(encodeHeaderValue("Euro \u20ac \u{1f600}"), "Euro%20%E2%82%AC%20%F0%9F%98%80");
});

Deno.test("space, double quote and percent are encoded, other printable ASCII is not", () => {
  assert.equal(encodeHeaderValue('a "b" 100%'), "a%20%22b%22%20100%25");
  assert.equal(encodeHeaderValue("/path?q=1&r=#f~!*'()"), "/path?q=1&r=#f~!*'()");
  assert.equal(encodeHeaderValue("caf\u00e9"), "caf%C3%A9");
  assert.equal(encodeHeaderValue("tab\tdel\u007f"), "tab%09del%7F");
});

Deno.test("decoding accepts lower-case hex and unnecessarily encoded characters", () => {
  assert.equal(decodeHeaderValue("caf%c3%a9", "x"), "caf\u00e9");
  assert.equal(decodeHeaderValue("%61%62c", "x"), "abc");
});

Deno.test("decoding happens exactly once", () => {
  assert.equal(decodeHeaderValue("100%2525", "x"), "100%25");
  assert.equal(decodeHeaderValue(encodeHeaderValue("%20"), "x"), "%20");
});

Deno.test("percent-encoding round-trips arbitrary text", () => {
  const samples = [
    "",
    "plain",
    "with space",
    '"quoted"',
    "%41 is A",
    "Euro \u20ac \u{1f600}",
    "\u00e9\u00e8\u00ea",
    "\u65e5\u672c\u8a9e",
    "mixed \u{10ffff} end",
    "\ufeffbom first",
  ];
  for (const text of samples) {
    const encoded = encodeHeaderValue(text);
    assert.match(encoded, /^[\x21-\x7e]*$/, `encoded form of ${JSON.stringify(text)} is printable ASCII`);
    assert.equal(decodeHeaderValue(encoded, "x"), text);
  }
  for (let cp = 0; cp < 0x3000; cp += 7) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const text = `a${String.fromCodePoint(cp)}b`;
    assert.equal(decodeHeaderValue(encodeHeaderValue(text), "x"), text);
  }
});

Deno.test("overlong and invalid UTF-8 sequences are refused naming the field", () => {
  for (const raw of ["%C0%A0", "%FF", "%E2%82", "%ED%A0%80"]) {
    assert.throws(
      () => decodeHeaderValue(raw, "subject"),
      (error: unknown) =>
        error instanceof CloudEventError && error.field === "subject" && /UTF-8/.test(error.reason),
      raw,
    );
  }
});

Deno.test("a percent sign without two hex digits is a malformed encoding", () => {
  for (const raw of ["100%", "%2", "%zz"]) {
    assert.throws(
      () => decodeHeaderValue(raw, "id"),
      (error: unknown) =>
        error instanceof CloudEventError && error.field === "id" && /malformed/.test(error.reason),
      raw,
    );
  }
});

Deno.test("a double-quoted value is unquoted before percent-decoding", () => {
  assert.equal(decodeHeaderValue('"hello world"', "x"), "hello world");
  assert.equal(decodeHeaderValue('"a \\"b\\" c%20d"', "x"), 'a "b" c d');
  assert.throws(() => decodeHeaderValue('"open', "x"), CloudEventError);
  assert.throws(() => decodeHeaderValue('"a"b', "x"), CloudEventError);
});
