import { deepStrictEqual as assertEquals, equal, rejects } from "node:assert/strict";
import {
  callFunction,
  functionContext,
  functionEnv,
  FunctionFailed,
  loadFunction,
} from "./function_adapter.ts";

const PLACE = {
  service: "hello",
  namespace: "default",
  configuration: "hello",
  revision: "hello-00002",
  env: { GREETING: "hi" },
};

Deno.test("a function's environment is its declared env plus Knative's K_* variables", () => {
  assertEquals(functionEnv(PLACE), {
    K_SERVICE: "hello",
    K_CONFIGURATION: "hello",
    K_REVISION: "hello-00002",
    GREETING: "hi",
  });
  equal(functionEnv({ ...PLACE, env: { K_SERVICE: "mine" } }).K_SERVICE, "mine");
});

Deno.test("ctx names where the function runs, frozen", () => {
  const ctx = functionContext(PLACE);
  equal(ctx.revision, "hello-00002");
  equal(ctx.env.K_REVISION, "hello-00002");
  equal(Object.isFrozen(ctx) && Object.isFrozen(ctx.env), true);
});

Deno.test("a throwing function becomes FunctionFailed with a message and no stack", async () => {
  const original = console.error;
  console.error = () => {};
  try {
    const ctx = functionContext(PLACE);
    const req = new Request("http://x/path");
    await rejects(
      callFunction({ fetch: () => Promise.reject(new RangeError("boom")) }, req, ctx),
      (e: unknown) => e instanceof FunctionFailed && e.message === "RangeError: boom",
    );
    await rejects(
      callFunction({ fetch: () => "not a response" as unknown as Response }, req, ctx),
      (e: unknown) => e instanceof FunctionFailed && e.message.includes("must return a Response"),
    );
    equal(await (await callFunction({ fetch: () => new Response("ok") }, req, ctx)).text(), "ok");
  } finally {
    console.error = original;
  }
});

Deno.test("a module without a default fetch export is refused when loaded", async () => {
  const url = `data:application/javascript,${encodeURIComponent("export default { nope: 1 };")}`;
  await rejects(loadFunction(url), /default-export an object with a fetch/);
  const ok = `data:application/javascript,${encodeURIComponent("export default { fetch() {} };")}`;
  equal(typeof (await loadFunction(ok)).fetch, "function");
});
