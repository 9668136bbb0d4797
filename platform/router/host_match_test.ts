import assert from "node:assert/strict";
import { HostMatchCache, matchHost } from "./host_match.ts";

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

Deno.test("HostMatchCache answers as matchHost, and again after the Services change", () => {
  const services = new Set(["default/hello"]);
  const cache = new HostMatchCache("localhost", (ns, svc) => services.has(`${ns}/${svc}`), 2);
  assert.deepEqual(cache.match("hello.default.localhost:8080", 1), {
    service: "hello",
    namespace: "default",
  });
  assert.deepEqual(cache.match("canary-hello.default.localhost", 1), {
    service: "hello",
    namespace: "default",
    tag: "canary",
  });
  // A new Service named "canary-hello" changes what that host means, once the version moves.
  services.add("default/canary-hello");
  assert.deepEqual(cache.match("canary-hello.default.localhost", 1)?.tag, "canary");
  assert.deepEqual(cache.match("canary-hello.default.localhost", 2), {
    service: "canary-hello",
    namespace: "default",
  });
  services.clear();
  assert.deepEqual(cache.match("hello.default.localhost:8080", 3), null);
  // Past its bound it starts over, and still answers right.
  for (const h of ["a.b.localhost", "c.d.localhost", "e.f.localhost"]) {
    assert.deepEqual(cache.match(h, 3), null);
  }
  services.add("b/a");
  assert.deepEqual(cache.match("a.b.localhost", 4), { service: "a", namespace: "b" });
});
