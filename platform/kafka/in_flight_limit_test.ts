import { deepStrictEqual, equal, throws } from "node:assert/strict";
import { InFlightLimit } from "./in_flight_limit.ts";

Deno.test("acquire() waits once the limit is reached and resumes waiters in order", async () => {
  const limit = new InFlightLimit(2);
  await limit.acquire();
  await limit.acquire();
  const order: number[] = [];
  const third = limit.acquire().then(() => order.push(3));
  const fourth = limit.acquire().then(() => order.push(4));
  await Promise.resolve();
  deepStrictEqual(order, []);
  limit.release();
  await third;
  deepStrictEqual(order, [3]);
  equal(limit.active, 2);
  limit.release();
  await fourth;
  deepStrictEqual(order, [3, 4]);
  limit.release();
  limit.release();
  equal(limit.active, 0);
});

Deno.test("a limit below one is refused", () => {
  throws(() => new InFlightLimit(0), RangeError);
});
