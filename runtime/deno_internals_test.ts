import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { requestFromParts, requestWithSignal, shortcuts, staticBody } from "./deno_internals.ts";

const text = (b: string | Uint8Array | undefined) => typeof b === "string" ? b : new TextDecoder().decode(b);

Deno.test("this Deno (the one CI pins) allows every shortcut", () => {
  // When an upgrade loses one, requests still work (the fallbacks), only slower: this says so.
  assertEquals(shortcuts, { signal: true, requestFromParts: true, lazyBody: true, staticBody: true });
});

Deno.test("requestFromParts: reads, clones, copies and aborts as a constructed request", async () => {
  const controller = new AbortController();
  const pairs: [string, string][] = [["host", "h.example:8080"], ["set-cookie", "a=1"], [
    "set-cookie",
    "b=2",
  ]];
  const request = requestFromParts("GET", "http://h.example:8080/p?q=1", pairs, controller.signal);
  const expected = new Request("http://h.example:8080/p?q=1", { headers: pairs });
  assert(request instanceof Request);
  assertEquals(request.method, "GET");
  assertEquals(request.url, expected.url);
  assertEquals([...request.headers], [...expected.headers]);
  assertEquals(request.headers.getSetCookie(), ["a=1", "b=2"]);
  assertEquals(new URL(request.url).searchParams.get("q"), "1");
  assertEquals(request.body, null);
  assertEquals(await request.text(), "");
  assertEquals(request.signal, controller.signal);
  // What functions do with the request they get: change its headers, forward it, clone it.
  request.headers.set("x-added", "yes");
  const forwarded = new Request("http://elsewhere.example/", request);
  assertEquals(forwarded.headers.get("x-added"), "yes");
  assertEquals(forwarded.method, "GET");
  const clone = request.clone();
  controller.abort(new Error("gone"));
  assert(request.signal.aborted);
  assert(clone.signal.aborted);
  assertEquals(clone.url, expected.url);
  // Other methods keep their name.
  assertEquals(requestFromParts("DELETE", "http://x/", [], new AbortController().signal).method, "DELETE");
});

Deno.test("requestWithSignal: request.signal is the given signal and follows its abort", () => {
  const controller = new AbortController();
  const request = requestWithSignal(
    "http://x/p",
    { method: "POST", headers: [["a", "b"]], body: "hi" },
    controller.signal,
  );
  assertEquals(request.method, "POST");
  assertEquals(request.headers.get("a"), "b");
  assert(!request.signal.aborted);
  controller.abort(new Error("gone"));
  assert(request.signal.aborted);
  assertEquals((request.signal.reason as Error).message, "gone");
});

Deno.test("requestWithSignal: the body is still readable, and a clone follows the abort", async () => {
  const controller = new AbortController();
  const request = requestWithSignal("http://x/", { method: "PUT", body: "payload" }, controller.signal);
  const clone = request.clone();
  assertEquals(await request.text(), "payload");
  controller.abort();
  assert(clone.signal.aborted);
});

Deno.test("staticBody: strings and bytes, with or without init; not streams, blobs or used bodies", async () => {
  assertEquals(staticBody(new Response("plain")), "plain");
  assertEquals(
    text(staticBody(new Response("with init", { status: 201, headers: { a: "b" } }))),
    "with init",
  );
  assertEquals(text(staticBody(new Response(new Uint8Array([104, 105])))), "hi");
  assertEquals(text(staticBody(Response.json({ a: 1 }))), '{"a":1}');
  assertEquals(staticBody(new Response("")), "");
  assertEquals(staticBody(new Response(null)), undefined);
  assertEquals(staticBody(new Response(new ReadableStream())), undefined);
  assertEquals(staticBody(new Response(new Blob(["x"]))), undefined);
  const used = new Response("once");
  await used.text();
  assertEquals(staticBody(used), undefined);
  const looked = new Response("looked at");
  await looked.body!.getReader().read();
  assertEquals(staticBody(looked), undefined);
});

Deno.test("staticBody leaves the response's headers right (read after it, as the instance does)", () => {
  const response = new Response("x");
  assertEquals(staticBody(response), "x");
  assertEquals(response.headers.get("content-type"), "text/plain;charset=UTF-8");
  const json = Response.json({});
  staticBody(json);
  assertEquals(json.headers.get("content-type"), "application/json");
});
