import { equal, ok as assert } from "node:assert/strict";
import {
  checkSignature,
  constantTimeEqual,
  parseSignatureHeader,
  signatureHeader,
} from "./github_signature.ts";

const body = (text: string) => new TextEncoder().encode(text);

Deno.test("the signature matches GitHub's documented example", async () => {
  // From GitHub's "Validating webhook deliveries": secret "It's a Secret to Everybody", body "Hello, World!".
  equal(
    await signatureHeader("It's a Secret to Everybody", body("Hello, World!")),
    "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
  );
});

Deno.test("a body signed with the secret is valid, in upper-case hex too", async () => {
  const header = await signatureHeader("s3cret", body('{"zen":"yes"}'));
  equal(await checkSignature("s3cret", body('{"zen":"yes"}'), header), "valid");
  equal(
    await checkSignature("s3cret", body('{"zen":"yes"}'), `sha256=${header.slice(7).toUpperCase()}`),
    "valid",
  );
});

Deno.test("a signature made with another secret or over another body is a mismatch", async () => {
  const header = await signatureHeader("other", body("payload"));
  equal(await checkSignature("s3cret", body("payload"), header), "mismatch");
  const good = await signatureHeader("s3cret", body("payload"));
  equal(await checkSignature("s3cret", body("payload "), good), "mismatch");
});

Deno.test("a missing or empty header is missing, a malformed one is malformed", async () => {
  equal(await checkSignature("s3cret", body("x"), null), "missing");
  equal(await checkSignature("s3cret", body("x"), "  "), "missing");
  equal(await checkSignature("s3cret", body("x"), "sha1=0123"), "malformed");
  equal(await checkSignature("s3cret", body("x"), `sha256=${"z".repeat(64)}`), "malformed");
  equal(await checkSignature("s3cret", body("x"), `sha256=${"0".repeat(62)}`), "malformed");
  equal(parseSignatureHeader(`sha256=${"ab".repeat(32)}`)?.length, 32);
});

Deno.test("constant-time equality is plain equality on its results", () => {
  equal(constantTimeEqual([1, 2, 3], [1, 2, 3]), true);
  equal(constantTimeEqual([1, 2, 3], [1, 2, 4]), false);
  equal(constantTimeEqual([1, 2, 3], [1, 2]), false);
  equal(constantTimeEqual([1, 2, 0], [1, 2]), false, "a trailing zero is not padding");
  equal(constantTimeEqual([], []), true);
});

/** An array that counts how many times its elements are read. */
function counted(values: number[]): { array: ArrayLike<number>; reads: () => number } {
  let reads = 0;
  const array = new Proxy(values, {
    get(target, prop, receiver) {
      if (typeof prop === "string" && /^\d+$/.test(prop)) reads++;
      return Reflect.get(target, prop, receiver);
    },
  });
  return { array, reads: () => reads };
}

Deno.test("constant-time equality reads every byte wherever the first difference is", () => {
  const expected = Array.from({ length: 32 }, (_, i) => i);
  const readsFor = (position: number | undefined) => {
    const given = [...expected];
    if (position !== undefined) given[position] ^= 0xff;
    const a = counted(given);
    const b = counted(expected);
    constantTimeEqual(a.array, b.array);
    return [a.reads(), b.reads()];
  };
  const reference = readsFor(undefined);
  equal(reference[0], 32);
  for (const position of [0, 1, 15, 31]) {
    assert(readsFor(position).every((n, i) => n === reference[i]), `difference at ${position}`);
  }
});
