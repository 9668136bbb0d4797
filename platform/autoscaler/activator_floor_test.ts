import assert from "node:assert/strict";
import { activatorFloor } from "./activator_floor.ts";

Deno.test("activatorFloor() asks for nothing without held requests", () => {
  assert.equal(activatorFloor({ live: 0, starting: 0, held: 0 }, 1, 0), 0);
  assert.equal(activatorFloor({ live: 3, starting: 0, held: 0 }, 0, 0), 0);
});

Deno.test("activatorFloor() asks for one instance for a request held at zero", () => {
  assert.equal(activatorFloor({ live: 0, starting: 0, held: 5 }, 0, 0), 1);
  assert.equal(activatorFloor({ live: 0, starting: 0, held: 5 }, 1, 0), 1);
});

Deno.test("activatorFloor() leaves queueing to the windows when instances take several requests", () => {
  assert.equal(activatorFloor({ live: 2, starting: 0, held: 10 }, 0, 0), 0);
  assert.equal(activatorFloor({ live: 2, starting: 0, held: 10 }, 4, 0), 0);
});

Deno.test("activatorFloor() in event gateway mode adds one per held request not covered by a start", () => {
  assert.equal(activatorFloor({ live: 2, starting: 0, held: 3 }, 1, 0), 5);
  assert.equal(activatorFloor({ live: 3, starting: 1, held: 3 }, 1, 0), 5);
  assert.equal(activatorFloor({ live: 3, starting: 3, held: 3 }, 1, 0), 3);
  assert.equal(activatorFloor({ live: 2, starting: 0, held: 3 }, 1, 4), 4);
});
