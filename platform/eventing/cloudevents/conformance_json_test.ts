import assert from "node:assert/strict";
import { CloudEventError } from "./cloudevent_error.ts";
import { conformanceSuite } from "../../../test/conformance.ts";
import { decodeHttpMessage } from "./http_decode.ts";
import { eventFromJsonObject, eventToJsonObject, JSON_EVENT_FORMAT } from "./json_format.ts";

/** The CloudEvents JSON-format conformance events (outside suite, read at run time). */
const SUITE = conformanceSuite("cloudevents");

interface ConformanceCases {
  tests: { id: string; event: Record<string, unknown> }[];
}

const validEvents: ConformanceCases = SUITE.missing ? { tests: [] } : SUITE.readJson("valid-events.json");
const invalidEvents: ConformanceCases = SUITE.missing ? { tests: [] } : SUITE.readJson("invalid-events.json");

function structuredRequest(event: unknown) {
  return { headers: { "content-type": JSON_EVENT_FORMAT }, body: JSON.stringify(event) };
}

for (const test of validEvents.tests) {
  SUITE.test(`the valid conformance event ${test.id} is accepted in structured mode`, () => {
    const { events } = decodeHttpMessage(structuredRequest(test.event));
    assert.equal(events.length, 1);
    const [event] = events;
    for (const [name, value] of Object.entries(test.event)) {
      if (name === "specversion" || name === "data" || value === null) continue;
      const actual = name in event ? event[name as keyof typeof event] : event.extensions[name];
      assert.deepEqual(actual, value, name);
    }
    if ("data" in test.event) assert.deepEqual(event.data, test.event.data);
  });

  SUITE.test(`the valid conformance event ${test.id} survives a JSON round trip unchanged`, () => {
    const event = eventFromJsonObject(test.event);
    assert.deepEqual(eventFromJsonObject(JSON.parse(JSON.stringify(eventToJsonObject(event)))), event);
  });
}

for (const test of invalidEvents.tests) {
  SUITE.test(`the invalid conformance event ${test.id} is refused with an error naming the field`, () => {
    assert.throws(
      () => decodeHttpMessage(structuredRequest(test.event)),
      (error: unknown) =>
        error instanceof CloudEventError && error.field.length > 0 && error.reason.length > 0,
    );
  });
}

const expectedField: Record<string, string> = {
  invalidNoSpecVersion: "specversion",
  invalidNoId: "id",
  invalidNoType: "type",
  invalidNoSource: "source",
  invalidTimeGarbage: "time",
  invalidTimeToMinute: "time",
  invalidTimeOffsetX: "time",
  invalidTimeOffsetOutOfRange: "time",
  invalidTimeOffsetNonInteger: "time",
  invalidTimeOffsetHourOnly: "time",
  invalidEmptyId: "id",
  invalidEmptyType: "type",
  invalidEmptySource: "source",
  invalidEmptySpecVersion: "specversion",
  invalidUnknownSpecVersion: "specversion",
  invalidNonRfc2046DataContentType: "datacontenttype",
  invalidEmptyDataContentType: "datacontenttype",
  invalidEmptyDataSchema: "dataschema",
  invalidEmptySubject: "subject",
  invalidNumericId: "id",
  invalidObjectId: "id",
  invalidCapitalizedExtension: "MyExtension",
  invalidPunctuatedExtension: "my.extension",
  invalidNonIntegerExtensionValue: "my.extension",
  invalidBothDataAndDataBase64: "data_base64",
};

SUITE.test("every invalid conformance event is refused naming the attribute it breaks", () => {
  assert.deepEqual(invalidEvents.tests.map((t) => t.id).sort(), Object.keys(expectedField).sort());
  for (const test of invalidEvents.tests) {
    assert.throws(
      () => eventFromJsonObject(test.event),
      (error: unknown) => error instanceof CloudEventError && error.field === expectedField[test.id],
      test.id,
    );
  }
});
