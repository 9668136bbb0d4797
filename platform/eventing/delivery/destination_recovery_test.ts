import assert from "node:assert/strict";
import { DestinationRecovery } from "./destination_recovery.ts";
import { FakeClock } from "../../clock/fake_clock.ts";

Deno.test("DestinationRecovery wakes the deliveries backing off from a destination once it took one", async () => {
  const clock = new FakeClock(0);
  const recovery = new DestinationRecovery(clock);
  const woke: string[] = [];
  recovery.sleep("http://a/", 60_000).then(() => woke.push(`a@${clock.now()}`));
  recovery.sleep("http://a/", 90_000).then(() => woke.push(`a2@${clock.now()}`));
  recovery.sleep("http://b/", 60_000).then(() => woke.push(`b@${clock.now()}`));
  await clock.advance(1_000);
  assert.equal(recovery.waiting("http://a/"), 2);
  recovery.delivered("http://a/");
  await clock.advance(0);
  assert.deepEqual(woke.sort(), ["a2@1000", "a@1000"]);
  assert.equal(recovery.waiting("http://a/"), 0);
  assert.equal(recovery.waiting("http://b/"), 1, "other destinations keep their backoff");
  await clock.advance(59_000);
  assert.deepEqual(woke.sort(), ["a2@1000", "a@1000", "b@60000"]);
});
