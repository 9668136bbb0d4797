/**
 * Property-based (fuzz) test of the HTTP decoder in all three content modes: whatever the headers
 * and body, decoding either refuses with a `CloudEventError` or yields events that are valid and
 * survive a re-encode. Run count: see test/fuzz/fuzz_runs.ts.
 */
import fc from "fast-check";
import { CloudEventError } from "./cloudevent_error.ts";
import { decodeHttpMessage } from "./http_decode.ts";
import { encodeHttpBinary, encodeHttpStructured } from "./http_encode.ts";
import { validateEvent } from "./validate_event.ts";
import { fuzzParams } from "../../../test/fuzz/fuzz_runs.ts";

const ATTRIBUTE_NAMES = [
  "specversion",
  "id",
  "source",
  "type",
  "datacontenttype",
  "dataschema",
  "subject",
  "time",
  "data",
  "data_base64",
  "myext",
  "Bad-Name",
  "",
  "__proto__",
  "constructor",
];

const text = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme" }),
  fc.constantFrom("1.0", "0.3", "/source", "https://example.com/s", "2024-01-01T00:00:00Z", "%ZZ", "%e2%82"),
);
const jsonValue = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue());

/** An event object in the JSON format, mostly well formed, with members added, dropped or mistyped. */
const jsonEvent = fc.record({
  base: fc.record({
    specversion: fc.oneof(fc.constant("1.0"), jsonValue),
    id: fc.oneof(fc.string({ minLength: 1 }), jsonValue),
    source: fc.oneof(fc.constant("/fuzz"), jsonValue),
    type: fc.oneof(fc.constant("dev.fuzz"), jsonValue),
  }, { requiredKeys: [] }),
  extra: fc.dictionary(fc.oneof(fc.constantFrom(...ATTRIBUTE_NAMES), fc.string()), jsonValue, { maxKeys: 5 }),
}).map(({ base, extra }) => ({ ...base, ...extra }));

const contentType = fc.oneof(
  fc.constantFrom(
    "application/cloudevents+json",
    "application/cloudevents+json; charset=utf-8",
    "application/cloudevents-batch+json",
    "application/cloudevents+xml",
    "application/json",
    "text/plain",
    "application/octet-stream",
    ";;",
    "",
  ),
  fc.string(),
);

const body = fc.oneof(
  jsonEvent.map((e) => JSON.stringify(e)),
  fc.array(jsonEvent, { maxLength: 4 }).map((a) => JSON.stringify(a)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string(),
  fc.uint8Array({ maxLength: 64 }),
  fc.constant(null),
);

const ceHeaders = fc.dictionary(
  fc.oneof(fc.constantFrom(...ATTRIBUTE_NAMES), fc.string()).map((n) => `ce-${n}`),
  text,
  { maxKeys: 8 },
).map((h) => ({ "ce-specversion": "1.0", "ce-id": "1", "ce-source": "/s", "ce-type": "t", ...h }));

const headers = fc.record({
  ce: fc.oneof(ceHeaders, fc.constant({})),
  contentType: fc.option(contentType),
}).map(({ ce, contentType }) => {
  const h: Record<string, string> = { ...ce };
  if (contentType !== null) h["content-type"] = contentType;
  return h;
});

Deno.test("decodeHttpMessage() refuses bad messages with a CloudEventError and decodes only valid events", () => {
  fc.assert(
    fc.property(headers, body, (h, b) => {
      let decoded;
      try {
        decoded = decodeHttpMessage({ headers: h, body: b });
      } catch (err) {
        if (err instanceof CloudEventError) return;
        throw err;
      }
      for (const event of decoded.events) {
        validateEvent(event);
        // A decoded event can always be sent on: both encoders accept it.
        encodeHttpStructured(event);
        const binary = encodeHttpBinary(event);
        const again = decodeHttpMessage(binary).events[0];
        if (again.id !== event.id || again.source !== event.source || again.type !== event.type) {
          throw new Error(`binary round trip changed the event: ${JSON.stringify([event, again])}`);
        }
      }
    }),
    fuzzParams(2000),
  );
});
