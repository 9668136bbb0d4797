import { deepStrictEqual as assertEquals, equal } from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { validateEvent } from "../cloudevents/validate_event.ts";
import { encodeHttpBinary } from "../cloudevents/http_encode.ts";
import { makePingEvent, parsePingSource, PING_EVENT_TYPE, type PingSource } from "./ping_source.ts";
import { conformanceSuite } from "../../../test/conformance.ts";

const DOCUMENTS = conformanceSuite("knative-yaml");
const SINK = { ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: "event-display" } };

function doc(spec: Record<string, unknown>) {
  return {
    apiVersion: "sources.knative.dev/v1",
    kind: "PingSource",
    metadata: { name: "ping", namespace: "team-a" },
    spec: { sink: SINK, ...spec },
  };
}

function accepted(spec: Record<string, unknown>): PingSource {
  const { source, errors } = parsePingSource(doc(spec));
  assertEquals(errors, []);
  return source;
}

function paths(spec: Record<string, unknown>): string[] {
  return parsePingSource(doc(spec)).errors.map((e) => e.path);
}

for (const file of ["pingsource-data.yaml", "pingsource-database64.yaml"]) {
  DOCUMENTS.test(`the Knative document ${file} is accepted as it is`, () => {
    const yaml = parseYaml(DOCUMENTS.readText(file));
    const { errors } = parsePingSource({ ...yaml, metadata: { ...yaml.metadata, namespace: "default" } });
    assertEquals(errors, []);
  });
}

Deno.test("a PingSource without a schedule gets Knative's every-minute default", () => {
  equal(accepted({}).spec.schedule, "* * * * *");
});

Deno.test("data and dataBase64 together are refused", () => {
  assertEquals(paths({ data: "x", dataBase64: "eA==" }), ["spec.dataBase64"]);
});

Deno.test("dataBase64 that is not base64 is refused", () => {
  assertEquals(paths({ dataBase64: "not base64" }), ["spec.dataBase64"]);
});

Deno.test("JSON data is checked to be an object when contentType is application/json", () => {
  assertEquals(paths({ contentType: "application/json", data: "{not json" }), ["spec.data"]);
  assertEquals(paths({ contentType: "application/json", data: "[1]" }), ["spec.data"]);
  assertEquals(paths({ contentType: "application/json", dataBase64: btoa("nope") }), ["spec.dataBase64"]);
  assertEquals(paths({ contentType: "text/plain", data: "{not json" }), []);
});

Deno.test("a bad schedule and a bad time zone are reported on their own fields", () => {
  assertEquals(paths({ schedule: "61 * * * *" }), ["spec.schedule"]);
  assertEquals(paths({ schedule: "* * * * *", timezone: "Nowhere/Land" }), ["spec.timezone"]);
});

Deno.test("a missing sink and a bad override name are refused with their paths", () => {
  const { errors } = parsePingSource({
    ...doc({}),
    spec: { schedule: "* * * * *", ceOverrides: { extensions: { "Bad-Name": "x" } } },
  });
  assertEquals(errors.map((e) => e.path).sort(), ["spec.ceOverrides.extensions[Bad-Name]", "spec.sink"]);
});

Deno.test("a sink with a relative uri and no ref is refused", () => {
  assertEquals(paths({ sink: { uri: "/relative" } }), ["spec.sink.uri"]);
});

Deno.test("a tick's event carries the ping type, the source path and the data as bytes", () => {
  const source = accepted({
    contentType: "application/json",
    data: '{"message": "Hello world!"}',
    ceOverrides: { extensions: { team: "a" } },
  });
  const at = new Date("2024-03-01T10:00:02Z");
  const event = makePingEvent(source, "id-1", at);
  equal(event.type, PING_EVENT_TYPE);
  equal(event.source, "/apis/v1/namespaces/team-a/pingsources/ping");
  equal(event.id, "id-1");
  equal(event.time, "2024-03-01T10:00:02.000Z");
  equal(event.datacontenttype, "application/json");
  assertEquals(event.extensions, { team: "a" });
  const wire = encodeHttpBinary(validateEvent(event));
  equal(new TextDecoder().decode(wire.body), '{"message": "Hello world!"}');
  equal(wire.headers["content-type"], "application/json");
});

Deno.test("dataBase64 is sent decoded, with its content type", () => {
  const event = makePingEvent(
    accepted({ contentType: "text/plain", dataBase64: "ZGF0YQ==" }),
    "i",
    new Date(0),
  );
  assertEquals(encodeHttpBinary(validateEvent(event)).body, new TextEncoder().encode("data"));
  equal(event.datacontenttype, "text/plain");
});

Deno.test("a PingSource without data sends an event without data or content type", () => {
  const event = makePingEvent(accepted({ contentType: "text/plain" }), "i", new Date(0));
  equal(event.data, undefined);
  equal(event.datacontenttype, undefined);
  equal(encodeHttpBinary(validateEvent(event)).body.length, 0);
});
