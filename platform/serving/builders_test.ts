import assert from "node:assert/strict";
import { functionReachableUrl } from "./builders.ts";

const scheme = { domain: "localhost", port: 8080 };

Deno.test("functionReachableUrl() turns a *.localhost Service URL into its loopback path form", () => {
  assert.equal(
    functionReachableUrl("http://hello.default.localhost:8080", scheme),
    "http://127.0.0.1:8080/function/hello.default",
  );
  assert.equal(
    functionReachableUrl("http://hello.prod.localhost:8080/in?x=1", scheme),
    "http://127.0.0.1:8080/function/hello.prod/in?x=1",
  );
});

Deno.test("functionReachableUrl() leaves other URLs alone", () => {
  assert.equal(
    functionReachableUrl("http://127.0.0.1:8080/broker/default/b", scheme),
    "http://127.0.0.1:8080/broker/default/b",
  );
  assert.equal(
    functionReachableUrl("http://hello.default.example.com", { domain: "example.com", port: 80 }),
    "http://hello.default.example.com",
  );
});
