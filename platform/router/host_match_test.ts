import assert from "node:assert/strict";
import { matchHost } from "./host_match.ts";

const services = new Set(["default/hello", "default/my-app", "prod/hello"]);
const exists = (ns: string, svc: string) => services.has(`${ns}/${svc}`);

Deno.test("matchHost() finds service and namespace, ignoring the port", () => {
  assert.deepEqual(matchHost("hello.default.localhost:8080", "localhost", exists), {
    service: "hello",
    namespace: "default",
  });
  assert.deepEqual(matchHost("hello.prod.localhost", "localhost", exists), {
    service: "hello",
    namespace: "prod",
  });
});

Deno.test("matchHost() splits a tag off only when the rest is a service", () => {
  assert.deepEqual(matchHost("canary-hello.default.localhost", "localhost", exists), {
    service: "hello",
    namespace: "default",
    tag: "canary",
  });
  assert.deepEqual(matchHost("my-app.default.localhost", "localhost", exists), {
    service: "my-app",
    namespace: "default",
  });
  assert.deepEqual(matchHost("v2-my-app.default.localhost", "localhost", exists), {
    service: "my-app",
    namespace: "default",
    tag: "v2",
  });
});

Deno.test("matchHost() gives null for other domains and unknown services", () => {
  assert.equal(matchHost("hello.default.example.com", "localhost", exists), null);
  assert.equal(matchHost("nope.default.localhost", "localhost", exists), null);
  assert.equal(matchHost("127.0.0.1:8080", "localhost", exists), null);
});
