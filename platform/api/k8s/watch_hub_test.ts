import assert from "node:assert/strict";
import { type ChangeSource, versionOf, WatchHub } from "./watch_hub.ts";
import type { WatchEvent } from "../../store/resource_store.ts";
import type { KObject } from "../../resources/meta.ts";

class FakeStore implements ChangeSource {
  version = 5;
  #fns = new Set<(e: WatchEvent) => void>();
  watch(fn: (e: WatchEvent) => void) {
    this.#fns.add(fn);
    return () => this.#fns.delete(fn);
  }
  change(name: string) {
    this.version++;
    const object = {
      apiVersion: "v1",
      kind: "X",
      metadata: { name, namespace: "d", resourceVersion: String(this.version) },
    } as KObject;
    for (const fn of this.#fns) fn({ type: "MODIFIED", object });
  }
}

Deno.test("watch hub: replays what came after a version, then streams live", () => {
  const store = new FakeStore();
  const hub = new WatchHub(store, 3);
  store.change("a"); // 6
  store.change("b"); // 7
  const seen: number[] = [];
  const stop = hub.listen(6, (e) => seen.push(versionOf(e)))!;
  store.change("c"); // 8
  assert.deepEqual(seen, [7, 8]);
  stop();
  store.change("d");
  assert.deepEqual(seen, [7, 8]);
  assert.equal(hub.watchers, 0);
});

Deno.test("watch hub: a version older than the history is expired; the start version is resumable", () => {
  const store = new FakeStore();
  const hub = new WatchHub(store, 2);
  assert.ok(hub.listen(5, () => {}), "the version the hub started at");
  assert.equal(hub.listen(4, () => {}), undefined, "before the hub started");
  for (const n of ["a", "b", "c", "d"]) store.change(n); // 6..9; keeps 8, 9
  assert.equal(hub.listen(6, () => {}), undefined);
  const seen: number[] = [];
  assert.ok(hub.listen(7, (e) => seen.push(versionOf(e))));
  assert.deepEqual(seen, [8, 9]);
  hub.close();
});
