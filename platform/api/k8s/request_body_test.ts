import assert from "node:assert/strict";
import { HTTPException } from "hono/http-exception";
import { RequestBodies } from "./request_body.ts";

const req = (body: string, type = "application/json") =>
  new Request("http://x/", { method: "POST", body, headers: { "content-type": type } });

async function status(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (err) {
    if (err instanceof HTTPException) return err.status;
    throw err;
  }
}

Deno.test("request bodies: JSON or YAML by content type, one object, bounded", async () => {
  const bodies = new RequestBodies(64);
  assert.deepEqual(await bodies.document(req('{"a":1}')), { a: 1 });
  assert.deepEqual(await bodies.document(req("a: 1\n", "application/yaml")), { a: 1 });
  assert.deepEqual(await bodies.document(req("a: 1\n", "application/apply-patch+yaml")), { a: 1 });
  assert.equal(await status(bodies.document(req("[1]"))), 400);
  assert.equal(await status(bodies.document(req("{"))), 400);
  assert.equal(await status(bodies.document(req(JSON.stringify({ a: "x".repeat(100) })))), 413);
  assert.equal(
    await status(bodies.document(req("k8s\0garbage", "application/vnd.kubernetes.protobuf"))),
    415,
  );
  assert.deepEqual(await bodies.deleteOptions(req("")), {});
  assert.deepEqual(await bodies.deleteOptions(req('{"dryRun":["All"]}')), { dryRun: ["All"] });
});
