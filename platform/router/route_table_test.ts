import assert from "node:assert/strict";
import { RouteTable } from "./route_table.ts";
import type { ResolvedTrafficTarget } from "../resources/service.ts";

const target = (revisionName: string, percent: number, tag?: string): ResolvedTrafficTarget => ({
  revisionName,
  percent,
  latestRevision: false,
  ...(tag ? { tag } : {}),
});

Deno.test("a 90/10 split stays within one per 100 consecutive requests while status writes re-set the route", () => {
  const table = new RouteTable();
  const traffic = [target("a-00001", 90), target("a-00002", 10)];
  table.set("default", "a", traffic);
  const picks: string[] = [];
  for (let i = 0; i < 2000; i++) {
    // Scaling up and down writes revision status (replica counts), and each write reconciles the
    // Route again with the same traffic: at irregular moments, sometimes several in a row.
    if (i % 7 === 3 || i % 13 === 0) table.set("default", "a", traffic.map((t) => ({ ...t })));
    if (i % 29 === 0) table.set("default", "a", [...traffic].reverse());
    picks.push(table.get("default", "a")!.split.next()!);
  }
  for (let start = 0; start + 100 <= picks.length; start++) {
    const second = picks.slice(start, start + 100).filter((p) => p === "a-00002").length;
    assert.ok(Math.abs(second - 10) <= 1, `requests ${start}..${start + 99}: ${second} to a-00002`);
  }
});

Deno.test("set() rebuilds the split when the percents change, and takes new tags either way", () => {
  const table = new RouteTable();
  table.set("default", "a", [target("a-00001", 100)]);
  const first = table.get("default", "a")!.split;
  table.set("default", "a", [target("a-00001", 100, "current")]);
  assert.equal(table.get("default", "a")!.split, first);
  assert.equal(table.get("default", "a")!.tags.get("current"), "a-00001");
  table.set("default", "a", [target("a-00001", 50), target("a-00002", 50)]);
  assert.notEqual(table.get("default", "a")!.split, first);
  assert.deepEqual([table.get("default", "a")!.split.next(), table.get("default", "a")!.split.next()], [
    "a-00001",
    "a-00002",
  ]);
});
