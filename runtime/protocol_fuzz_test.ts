/**
 * Property-based (fuzz) test of the frame protocol: frames survive any split into socket reads,
 * heads survive the text encoding for any valid HTTP head, and arbitrary bytes decode without
 * anything worse than a RangeError. Run count: see test/fuzz/fuzz_runs.ts.
 */
import fc from "fast-check";
import {
  type Bytes,
  decodeRequestHead,
  decodeResponseHead,
  encodeFrame,
  FrameReader,
  type FrameType,
  headFrame,
  requestHeadText,
  responseHeadText,
} from "./protocol.ts";
import { forEachFrame } from "./protocol.ts";
import { fuzzParams } from "../test/fuzz/fuzz_runs.ts";

const frame = fc.record({
  type: fc.integer({ min: 0, max: 255 }),
  stream: fc.nat({ max: 0xffffffff }),
  payload: fc.uint8Array({ maxLength: 300 }).map((a) => new Uint8Array(a) as Bytes),
});

function concat(parts: Uint8Array[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.byteLength;
  }
  return out;
}

Deno.test("FrameReader returns the frames written, whatever the socket reads split them into", () => {
  fc.assert(
    fc.property(fc.array(frame, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }), (frames, cuts) => {
      const bytes = concat(frames.map((f) => encodeFrame(f.type as FrameType, f.stream, f.payload)));
      const points = [...new Set(cuts.map((c) => c % (bytes.byteLength + 1)))].sort((a, b) => a - b);
      const reader = new FrameReader();
      const got = [];
      let from = 0;
      for (const at of [...points, bytes.byteLength]) {
        got.push(...reader.push(bytes.slice(from, at)));
        from = at;
      }
      if (got.length !== frames.length) {
        throw new Error(`${got.length} frames read, ${frames.length} written`);
      }
      got.forEach((g, i) => {
        const f = frames[i];
        if (g.type !== f.type || g.stream !== f.stream || g.payload.join() !== f.payload.join()) {
          throw new Error(`frame ${i} changed`);
        }
      });
    }),
    fuzzParams(1000),
  );
});

// What HTTP allows in a header value: visible ASCII, spaces and tabs inside, obs-text.
const headerValue = fc.string({ unit: fc.constantFrom(...'ab:,; \t=/"x\u00e9'.split("")) })
  .map((v) => v.trim())
  // An empty value joined to another ("a, ") loses its trailing space in Headers: not a wire change.
  .filter((v) => v.length > 0);
const headerName = fc.stringMatching(/^[a-z0-9!#$%&'*+.^_`|~-]{1,20}$/);

Deno.test("request and response heads survive the text encoding, with inline bodies", () => {
  fc.assert(
    fc.property(
      fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"),
      fc.webUrl({ withQueryParameters: true, withFragments: false }),
      fc.array(fc.tuple(headerName, headerValue), { maxLength: 6 }),
      fc.uint8Array({ maxLength: 200 }),
      fc.integer({ min: 200, max: 599 }),
      (method, url, pairs, body, status) => {
        const headers = new Headers();
        for (const [n, v] of pairs) headers.append(n, v);
        const inline = new Uint8Array(body) as Bytes;
        const request = headFrame(
          10 as FrameType,
          1,
          requestHeadText(method, url, headers, "inline"),
          inline,
        );
        forEachFrame(request, (_type, _stream, payload) => {
          const { head, inline: got } = decodeRequestHead(payload);
          if (head.method !== method || head.url !== url || got.join() !== inline.join()) {
            throw new Error("request head changed");
          }
          const back = new Headers(head.headers);
          back.delete("x-forwarded-for");
          if ([...back].join() !== [...headers].join()) throw new Error("request headers changed");
        });
        const response = headFrame(22 as FrameType, 1, responseHeadText(status, "OK", headers, "none"));
        forEachFrame(response, (_type, _stream, payload) => {
          const { head } = decodeResponseHead(payload);
          if (head.status !== status || [...new Headers(head.headers)].join() !== [...headers].join()) {
            throw new Error("response head changed");
          }
        });
      },
    ),
    fuzzParams(1000),
  );
});

Deno.test("arbitrary bytes never make the frame reader or head decoders throw anything but RangeError", () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 6 }), (chunks) => {
      const reader = new FrameReader();
      for (const chunk of chunks) {
        for (const f of reader.push(new Uint8Array(chunk) as Bytes)) {
          for (const decode of [decodeRequestHead, decodeResponseHead]) {
            try {
              decode(f.payload);
            } catch (err) {
              if (!(err instanceof RangeError)) throw err;
            }
          }
        }
      }
    }),
    fuzzParams(2000),
  );
});
