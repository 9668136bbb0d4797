import assert from "node:assert/strict";
import { LogParamError, parseLogQuery } from "./log_query_params.ts";

Deno.test("parseLogQuery() reads revision, since as a duration or a time, tail and follow", () => {
  const q = parseLogQuery(
    "default",
    "hello",
    new URLSearchParams("revision=hello-00002&since=10m&tail=5&follow=true"),
    3_600_000,
  );
  assert.deepEqual(q, {
    namespace: "default",
    service: "hello",
    revision: "hello-00002",
    since: 3_000_000,
    tail: 5,
    follow: true,
  });
  const at = parseLogQuery("default", "hello", new URLSearchParams("since=2026-01-01T00:00:00Z"), 0);
  assert.equal(at.since, Date.parse("2026-01-01T00:00:00Z"));
  assert.equal(at.follow, false);
});

Deno.test("parseLogQuery() refuses bad values naming the parameter", () => {
  for (
    const [query, field] of [["since=yesterday", "since"], ["tail=-1", "tail"], ["follow=maybe", "follow"]]
  ) {
    assert.throws(() => parseLogQuery("d", "s", new URLSearchParams(query), 0), (e: Error) => {
      assert.ok(e instanceof LogParamError);
      assert.ok(e.message.startsWith(`${field}:`), e.message);
      return true;
    });
  }
});
