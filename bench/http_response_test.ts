import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { completeResponse } from "./http_response.ts";

const enc = (s: string) => new TextEncoder().encode(s);

Deno.test("content-length responses, whole and partial", () => {
  const r = enc("HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhelloHTTP/1.1");
  assertEquals(completeResponse(r, r.length), { status: 200, length: 43 });
  assertEquals(completeResponse(r, 40), null);
  assertEquals(completeResponse(r, 10), null);
});

Deno.test("chunked responses", () => {
  const r = enc("HTTP/1.1 404 Not Found\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
  assertEquals(completeResponse(r, r.length), { status: 404, length: r.length });
  assertEquals(completeResponse(r, r.length - 1), null);
  assertEquals(completeResponse(r, r.length - 6), null);
});
