import assert from "node:assert/strict";
import { FakeClock } from "../../clock/fake_clock.ts";
import { claimBudget, DeliveryClaims } from "./delivery_claims.ts";

const opts = { claimMs: 8_000, renewMs: 2_000 };

Deno.test("a claim is held until its expiry, counted from when it was asked", async () => {
  const clock = new FakeClock(1_000);
  const claims = new DeliveryClaims(clock, opts);
  const askedAt = claims.asking();
  await clock.advance(300); // the query took 300 ms
  claims.claimed([1, 2], askedAt);
  assert.equal(claims.holds(1), true);
  await clock.advance(7_699);
  assert.equal(claims.holds(2), true);
  await clock.advance(1);
  assert.equal(claims.holds(2), false, "8 s after the ask, not after the answer");
  assert.deepEqual(claims.expired().sort(), [1, 2]);
  assert.deepEqual(claims.expired(), [], "reported once");
  assert.equal(claims.size, 0);
});

Deno.test("renewals keep claims; a claim the database did not renew expires on time", async () => {
  const clock = new FakeClock(0);
  const claims = new DeliveryClaims(clock, opts);
  claims.claimed([1, 2, 3], claims.asking());
  assert.equal(claims.renewDue(), true, "never renewed yet");
  let renewal = claims.toRenew();
  assert.deepEqual(renewal.ids, [1, 2, 3]);
  claims.renewed(renewal.ids, renewal.askedAt);
  assert.equal(claims.renewDue(), false);
  await clock.advance(1_999);
  assert.equal(claims.renewDue(), false);
  await clock.advance(1);
  assert.equal(claims.renewDue(), true);
  renewal = claims.toRenew();
  // 2 was taken by another node meanwhile: the database renews only 1 and 3.
  claims.renewed([1, 3], renewal.askedAt);
  await clock.advance(6_000);
  assert.equal(claims.holds(1), true);
  assert.equal(claims.holds(2), false);
  assert.deepEqual(claims.expired(), [2]);
  assert.equal(claims.holds(3), true);
});

Deno.test("a node that cannot renew stops counting its claims at their expiry, and does not renew them late", async () => {
  const clock = new FakeClock(0);
  const claims = new DeliveryClaims(clock, opts);
  claims.claimed([7], claims.asking());
  await clock.advance(8_000);
  assert.deepEqual(claims.toRenew().ids, [], "an expired claim may belong to another node now");
  assert.deepEqual(claims.expired(), [7]);
  assert.equal(claims.renewDue(), false, "nothing held, nothing to renew");
});

Deno.test("a released claim is neither held nor renewed, and a renewal does not revive it", () => {
  const clock = new FakeClock(0);
  const claims = new DeliveryClaims(clock, opts);
  claims.claimed([1, 2], claims.asking());
  const renewal = claims.toRenew();
  claims.released(1);
  claims.renewed(renewal.ids, renewal.askedAt);
  assert.equal(claims.holds(1), false);
  assert.deepEqual(claims.all(), [2]);
});

Deno.test("claims must be renewed before they expire", () => {
  assert.throws(() => new DeliveryClaims(new FakeClock(0), { claimMs: 2_000, renewMs: 2_000 }));
});

Deno.test("claimBudget() leaves room up to the concurrency, never below zero", () => {
  assert.equal(claimBudget(100, 0), 100);
  assert.equal(claimBudget(100, 60), 40);
  assert.equal(claimBudget(100, 100), 0);
  assert.equal(claimBudget(100, 120), 0);
});
