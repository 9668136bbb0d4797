import assert from "node:assert/strict";
import { AdminClient, ApiError, type FetchFn } from "./admin_client.ts";
import { CliError } from "./cli_error.ts";

function recording(answer: (url: string, init: RequestInit) => Response) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch: FetchFn = (url, init) => {
    calls.push({ url, init });
    return Promise.resolve(answer(url, init));
  };
  return { calls, fetch };
}

Deno.test("AdminClient sends the bearer token and JSON, and reads JSON back", async () => {
  const { calls, fetch } = recording(() => Response.json({ kind: "Service" }, { status: 201 }));
  const client = new AdminClient({ admin: "http://127.0.0.1:9/", token: "t0k", fetch });
  const res = await client.put("/apis/x/v1/namespaces/default/things/a", { a: 1 });
  assert.deepEqual(res, { object: { kind: "Service" }, created: true });
  assert.equal(calls[0].url, "http://127.0.0.1:9/apis/x/v1/namespaces/default/things/a");
  assert.equal(calls[0].init.method, "PUT");
  const headers = calls[0].init.headers as Record<string, string>;
  assert.equal(headers.authorization, "Bearer t0k");
  assert.equal(headers["content-type"], "application/json");
  assert.equal(calls[0].init.body, '{"a":1}');
});

Deno.test("AdminClient turns a Status body into an ApiError with its message", async () => {
  const { fetch } = recording(() =>
    Response.json({ kind: "Status", message: 'Service "x" not found', reason: "NotFound", code: 404 }, {
      status: 404,
    })
  );
  const client = new AdminClient({ admin: "http://a", token: "t", fetch });
  await assert.rejects(
    () => client.get("/x"),
    (e) => e instanceof ApiError && e.status === 404 && e.message === 'Service "x" not found',
  );
  assert.equal(await client.find("/x"), undefined);
});

Deno.test("AdminClient says where the token is when the API answers 401 and none was given", async () => {
  const { fetch } = recording(() =>
    Response.json({ message: "missing or wrong bearer token" }, { status: 401 })
  );
  const client = new AdminClient({ admin: "http://a", fetch, noTokenHint: "pass --token" });
  await assert.rejects(() => client.get("/x"), (e) => e instanceof ApiError && e.message === "pass --token");
  const withToken = new AdminClient({ admin: "http://a", token: "bad", fetch, noTokenHint: "pass --token" });
  await assert.rejects(
    () => withToken.get("/x"),
    (e) => e instanceof ApiError && e.message === "missing or wrong bearer token",
  );
});

Deno.test("AdminClient explains a refused connection in one line", async () => {
  const fetch: FetchFn = () => Promise.reject(new TypeError("error sending request: Connection refused"));
  const client = new AdminClient({ admin: "http://127.0.0.1:8081", token: "t", fetch });
  await assert.rejects(
    () => client.get("/x"),
    (e) =>
      e instanceof CliError &&
      e.message ===
        "cannot reach the Denative admin API at http://127.0.0.1:8081: is deno task serve running?",
  );
});

Deno.test("AdminClient uploads bundle files as base64", async () => {
  const { calls, fetch } = recording(() =>
    Response.json({ digest: "d", image: "bundle:sha256:d" }, { status: 201 })
  );
  const client = new AdminClient({ admin: "http://a", token: "t", fetch });
  const out = await client.uploadBundle([{ path: "main.ts", data: new TextEncoder().encode("hi") }]);
  assert.equal(out.image, "bundle:sha256:d");
  assert.deepEqual(JSON.parse(calls[0].init.body as string), {
    files: [{ path: "main.ts", data: btoa("hi") }],
  });
});
