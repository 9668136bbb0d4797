import assert from "node:assert/strict";
import { ACCESS_LOG_ANNOTATION, accessLogOff } from "./access_log_switch.ts";
import type { Service } from "../resources/service.ts";

const svc = (annotations?: Record<string, string>, template?: Record<string, string>) =>
  ({
    metadata: { name: "hello", namespace: "default", annotations },
    spec: { template: { metadata: { annotations: template } } },
  }) as unknown as Service;

Deno.test("accessLogOff() reads the annotation on the Service or its template; on by default", () => {
  assert.equal(accessLogOff(svc()), false);
  assert.equal(accessLogOff(svc({ [ACCESS_LOG_ANNOTATION]: "false" })), true);
  assert.equal(accessLogOff(svc(undefined, { [ACCESS_LOG_ANNOTATION]: "off" })), true);
  assert.equal(accessLogOff(svc({ [ACCESS_LOG_ANNOTATION]: "true" })), false);
});
