import assert from "node:assert/strict";
import { isRfc3339Timestamp } from "./rfc3339.ts";

Deno.test("RFC 3339 timestamps with Z, offsets and fractions are accepted", () => {
  for (
    const text of [
      "2018-04-05T17:31:00Z",
      "2018-04-05T17:31:00.000000000Z",
      "2018-04-05T18:31:00+01:00",
      "2018-04-05T16:31:00-01:00",
      "2018-04-05t17:31:00z",
      "2020-02-29T00:00:00Z",
      "2016-12-31T23:59:60Z",
    ]
  ) {
    assert.ok(isRfc3339Timestamp(text), text);
  }
});

Deno.test("timestamps without seconds, with bad offsets or impossible dates are refused", () => {
  for (
    const text of [
      "lunchtime",
      "2018-04-05T18:31Z",
      "2018-04-05T18:31:00X",
      "2018-04-05T18:31:00+25:00",
      "2018-04-05T18:31:00+xx:00",
      "2018-04-05T18:31:00+05",
      "2018-04-05T18:31:00",
      "2018-02-30T00:00:00Z",
      "2019-02-29T00:00:00Z",
      "2018-13-01T00:00:00Z",
      "2018-04-05T24:00:00Z",
      "2018-04-05 17:31:00Z",
    ]
  ) {
    assert.ok(!isRfc3339Timestamp(text), text);
  }
});
