import assert from "node:assert/strict";
import { conformanceSuite } from "../../../test/conformance.ts";
import type { CloudEvent } from "./cloudevent.ts";
import { attributeValue, canonicalString } from "./attributes.ts";
import { eventDataJson } from "./event_data.ts";
import { type FeatureStep, keyValueTable, parseFeature } from "./feature_file.ts";
import { decodeHttpRequest } from "./http_decode.ts";

/** Turns the raw HTTP/1.1 request text of a scenario into a fetch Request, honouring Content-Length. */
function parseRawRequest(raw: string): Request {
  const separator = raw.indexOf("\n\n");
  const head = separator < 0 ? raw : raw.slice(0, separator);
  const bodyText = separator < 0 ? "" : raw.slice(separator + 2);
  const [requestLine, ...headerLines] = head.split("\n");
  const [method, target] = requestLine.split(" ");
  const headers = new Headers();
  for (const line of headerLines) {
    const colon = line.indexOf(":");
    headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  let body = new TextEncoder().encode(bodyText);
  const length = headers.get("content-length");
  if (length !== null) body = body.slice(0, Number(length));
  headers.delete("content-length");
  return new Request(`http://${headers.get("host")}${target}`, { method, headers, body });
}

async function runScenario(steps: FeatureStep[]): Promise<void> {
  let request: Request | undefined;
  let event: CloudEvent | undefined;
  for (const step of steps) {
    if (step.text === "HTTP Protocol Binding is supported") continue;
    if (step.text === "an HTTP request") {
      request = parseRawRequest(step.docString!);
    } else if (step.text === "parsed as HTTP request") {
      const decoded = await decodeHttpRequest(request!);
      assert.equal(decoded.events.length, 1);
      event = decoded.events[0];
    } else if (step.text === "the attributes are:") {
      for (const [name, value] of Object.entries(keyValueTable(step.table))) {
        const actual = attributeValue(event!, name);
        assert.equal(actual === undefined ? undefined : canonicalString(actual), value, name);
      }
    } else if (step.text === "the data is equal to the following JSON:") {
      assert.deepEqual(eventDataJson(event!), JSON.parse(step.docString!));
    } else {
      throw new Error(`unsupported step: ${step.keyword} ${step.text}`);
    }
  }
}

/** The CloudEvents HTTP binding scenarios (outside suite, read at run time). */
const SUITE = conformanceSuite("cloudevents");
const scenarios = SUITE.missing ? [] : parseFeature(SUITE.readText("http-protocol-binding.feature"));

SUITE.test("the HTTP binding feature file yields its four scenarios", () => {
  assert.equal(scenarios.length, 4);
});

for (const scenario of scenarios) {
  SUITE.test(`HTTP binding conformance: ${scenario.name} parses into the listed attributes and data`, async () => {
    await runScenario(scenario.steps);
  });
}
