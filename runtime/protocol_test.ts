import assert, { deepStrictEqual as assertEquals } from "node:assert/strict";
import {
  type Bytes,
  decodeRequestHead,
  decodeResponseHead,
  encodeFrame,
  forEachFrame,
  FrameReader,
  FrameType,
  FrameWriter,
  headFrame,
  requestHeadText,
  ResponseHeadDecoder,
  responseHeadText,
} from "./protocol.ts";

function onlyFrame(bytes: Bytes): { type: FrameType; stream: number; payload: Bytes } {
  const frames: { type: FrameType; stream: number; payload: Bytes }[] = [];
  forEachFrame(bytes, (type, stream, payload) => frames.push({ type, stream, payload }));
  assertEquals(frames.length, 1);
  return frames[0];
}

Deno.test("a request head survives the trip: method, url, repeated headers, inline body", () => {
  const headers = new Headers([
    ["accept", "*/*"],
    ["cookie", "a=1; b=2"],
    ["x-multi", "one"],
    ["x-multi", "two"],
    ["x-latin", "caf\u00e9"],
    ["x-colon", "a:b:c"],
  ]);
  const text = requestHeadText("POST", "http://svc.default.localhost/p?q=1#f", headers, "inline");
  const frame = onlyFrame(headFrame(FrameType.RequestHead, 7, text, "body \u20ac"));
  assertEquals(frame.type, FrameType.RequestHead);
  assertEquals(frame.stream, 7);
  const { head, inline } = decodeRequestHead(frame.payload);
  assertEquals(head.method, "POST");
  assertEquals(head.url, "http://svc.default.localhost/p?q=1#f");
  assertEquals(head.body, "inline");
  assertEquals(new Headers(head.headers).get("x-multi"), "one, two");
  assertEquals(new Headers(head.headers).get("x-latin"), "caf\u00e9");
  assertEquals(new Headers(head.headers).get("x-colon"), "a:b:c");
  assertEquals(new TextDecoder().decode(inline), "body \u20ac");
});

Deno.test("X-Forwarded-For is appended to, or added", () => {
  const added = decodeRequestHead(
    onlyFrame(
      headFrame(
        FrameType.RequestHead,
        1,
        requestHeadText("GET", "http://x/", new Headers(), "none", "10.0.0.1"),
      ),
    )
      .payload,
  );
  assertEquals(added.head.headers, [["x-forwarded-for", "10.0.0.1"]]);
  const appended = decodeRequestHead(
    onlyFrame(
      headFrame(
        FrameType.RequestHead,
        1,
        requestHeadText(
          "GET",
          "http://x/",
          new Headers({ "x-forwarded-for": "1.2.3.4" }),
          "none",
          "10.0.0.1",
        ),
      ),
    ).payload,
  );
  assertEquals(appended.head.headers, [["x-forwarded-for", "1.2.3.4, 10.0.0.1"]]);
});

Deno.test("a response head keeps each set-cookie and its status text", () => {
  const headers = new Headers();
  headers.append("set-cookie", "a=1; Path=/");
  headers.append("set-cookie", "b=2, c=3");
  headers.set("content-type", "text/plain");
  const text = responseHeadText(201, "Created Here", headers, "stream");
  const { head, inline } = decodeResponseHead(onlyFrame(headFrame(FrameType.ResponseHead, 3, text)).payload);
  assertEquals(head.status, 201);
  assertEquals(head.statusText, "Created Here");
  assertEquals(head.body, "stream");
  assertEquals(new Headers(head.headers).getSetCookie(), ["a=1; Path=/", "b=2, c=3"]);
  assertEquals(inline.byteLength, 0);
});

Deno.test("binary inline bodies are copied exactly", () => {
  const body = new Uint8Array(1000).map((_, i) => i % 256);
  const frame = onlyFrame(
    headFrame(FrameType.Response, 2, responseHeadText(200, "", new Headers(), "inline"), body),
  );
  assertEquals(decodeResponseHead(frame.payload).inline, body);
});

Deno.test("the reader reassembles frames split anywhere, and forEachFrame walks a batch", () => {
  const a = encodeFrame(FrameType.Body, 5, new Uint8Array([1, 2, 3]));
  const b = headFrame(
    FrameType.Response,
    6,
    responseHeadText(200, "OK", new Headers({ a: "b" }), "inline"),
    "hi",
  );
  const all = new Uint8Array(a.byteLength + b.byteLength);
  all.set(a);
  all.set(b, a.byteLength);
  for (let cut = 0; cut <= all.byteLength; cut++) {
    const reader = new FrameReader();
    const frames = [...reader.push(all.slice(0, cut)), ...reader.push(all.slice(cut))];
    assertEquals(frames.map((f) => [f.type, f.stream]), [[FrameType.Body, 5], [FrameType.Response, 6]]);
  }
  const seen: number[] = [];
  forEachFrame(all, (_type, stream) => seen.push(stream));
  assertEquals(seen, [5, 6]);
});

Deno.test("requestHeadText() adds X-Forwarded-Host and -Proto unless a proxy in front already set them", () => {
  const plain = requestHeadText("GET", "http://h/", new Headers(), "none", "10.0.0.1", {
    host: "hello.default.localhost:8080",
    proto: "http",
  });
  const { head } = decodeRequestHead(headFrame(FrameType.RequestHead, 1, plain).subarray(9));
  const headers = new Headers(head.headers);
  assertEquals(headers.get("x-forwarded-host"), "hello.default.localhost:8080");
  assertEquals(headers.get("x-forwarded-proto"), "http");
  assertEquals(headers.get("x-forwarded-for"), "10.0.0.1");
  const proxied = requestHeadText(
    "GET",
    "http://h/",
    new Headers({ "x-forwarded-proto": "https", "x-forwarded-host": "example.com" }),
    "none",
    undefined,
    { host: "h", proto: "http" },
  );
  const again = new Headers(
    decodeRequestHead(headFrame(FrameType.RequestHead, 1, proxied).subarray(9)).head.headers,
  );
  assertEquals(again.get("x-forwarded-proto"), "https");
  assertEquals(again.get("x-forwarded-host"), "example.com");
});

/** A sink that takes its time, and reads the bytes only when it is done (as a socket write may). */
class SlowSink {
  writes: Uint8Array[] = [];
  #pending: (() => void)[] = [];
  write(p: Bytes): Promise<number> {
    return new Promise((resolve) => {
      this.#pending.push(() => {
        this.writes.push(p.slice());
        resolve(p.byteLength);
      });
    });
  }
  finishOne() {
    this.#pending.shift()?.();
  }
}

const frames = (bytes: Uint8Array[]) => {
  const reader = new FrameReader();
  return bytes.flatMap((b) => reader.push(b.slice() as Bytes)).map((
    f,
  ) => [f.type, f.stream, f.payload.length]);
};

Deno.test("FrameWriter batches one turn's frames in one write and reuses its buffers without mixing them up", async () => {
  const sink = new SlowSink();
  const out = new FrameWriter(sink);
  const turn = () => new Promise((r) => setImmediate(r));
  out.writeHead(FrameType.RequestHead, 1, "none\nGET\nhttp://x/");
  out.write(FrameType.Body, 1, new Uint8Array([1, 2, 3]));
  await turn();
  // While the first write is under way, the next frames wait for their own.
  out.writeHead(FrameType.Response, 2, "inline\n200\n", "hello");
  out.writeFrames(headFrame(FrameType.ResponseHead, 3, "stream\n200\n"));
  sink.finishOne();
  await turn();
  await turn();
  out.write(FrameType.End, 4);
  sink.finishOne();
  for (let i = 0; i < 5; i++) {
    await turn();
    sink.finishOne();
  }
  assert.deepEqual(frames(sink.writes.slice(0, 1)), [
    [FrameType.RequestHead, 1, 4 + "none\nGET\nhttp://x/".length],
    [FrameType.Body, 1, 3],
  ]);
  assert.deepEqual(frames(sink.writes.slice(1)), [
    [FrameType.Response, 2, 4 + "inline\n200\n".length + 5],
    [FrameType.ResponseHead, 3, 4 + "stream\n200\n".length],
    [FrameType.End, 4, 0],
  ]);
  // writeHead's bytes are headFrame's.
  const one = new SlowSink();
  const w = new FrameWriter(one);
  const done = w.writeHead(FrameType.Response, 7, "inline\n200\nOK\ncontent-type:text/plain", "héllo");
  await turn();
  one.finishOne();
  await done;
  assert.deepEqual(
    one.writes[0],
    headFrame(FrameType.Response, 7, "inline\n200\nOK\ncontent-type:text/plain", "héllo"),
  );
});

Deno.test("ResponseHeadDecoder: the same head again is the same answer; a different one is decoded", () => {
  const decoder = new ResponseHeadDecoder();
  const frameOf = (text: string, body: string) =>
    onlyFrame(headFrame(FrameType.Response, 1, text, body)).payload;
  const plain = "inline\n200\n\ncontent-type:text/plain";
  const first = decoder.decode(frameOf(plain, "one"));
  const again = decoder.decode(frameOf(plain, "two!"));
  assert(again.head === first.head);
  assertEquals(new TextDecoder().decode(again.inline), "two!");
  const other = decoder.decode(frameOf("inline\n404\nNot Found\ncontent-type:text/plain", "x"));
  assertEquals(other.head.status, 404);
  assertEquals(other.head.statusText, "Not Found");
  // Same length, one byte apart.
  const teapot = decoder.decode(frameOf("inline\n418\nNot Found\ncontent-type:text/plain", "x"));
  assertEquals(teapot.head.status, 418);
  assertEquals(decoder.decode(frameOf(plain, "")).head, decodeResponseHead(frameOf(plain, "")).head);
});
