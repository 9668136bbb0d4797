// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import { eventForWatcher, watchStream } from "./watch_stream.ts";
import { type ChangeSource, WatchHub } from "./watch_hub.ts";
import type { KObject } from "../../resources/meta.ts";
import type { WatchEvent } from "../../store/resource_store.ts";

const obj = (name: string, labels: Record<string, string> = {}, rv = 1) =>
  ({
    apiVersion: "v1",
    kind: "X",
    metadata: { name, namespace: "d", labels, resourceVersion: String(rv) },
  }) as KObject;
const blue = (o: KObject) => o.metadata.labels?.team === "blue";
const all = () => true;

Deno.test("watch events: entering a selection is ADDED, leaving it is DELETED", () => {
  const [a, b] = [obj("a", { team: "blue" }), obj("a", { team: "red" })];
  assert.equal(eventForWatcher({ type: "MODIFIED", object: a, old: b }, all, blue), "ADDED");
  assert.equal(eventForWatcher({ type: "MODIFIED", object: b, old: a }, all, blue), "DELETED");
  assert.equal(eventForWatcher({ type: "MODIFIED", object: a, old: a }, all, blue), "MODIFIED");
  assert.equal(eventForWatcher({ type: "MODIFIED", object: b, old: b }, all, blue), undefined);
  assert.equal(eventForWatcher({ type: "ADDED", object: b }, all, blue), undefined);
  assert.equal(eventForWatcher({ type: "DELETED", object: a }, () => false, blue), undefined);
});

class FakeStore implements ChangeSource {
  version = 1;
  fns = new Set<(e: WatchEvent) => void>();
  watch(fn: (e: WatchEvent) => void) {
    this.fns.add(fn);
    return () => this.fns.delete(fn);
  }
  change(name: string) {
    this.version++;
    for (const fn of this.fns) fn({ type: "ADDED", object: obj(name, {}, this.version) });
  }
}

function stream(hub: WatchHub, from: number | undefined, maxQueued = 100) {
  let registered = 0;
  const body = watchStream({
    hub,
    from,
    current: () => [obj("existing")],
    inScope: all,
    selector: all,
    render: (o) => o,
    timeoutMs: 60_000,
    maxQueued,
    register: () => {
      registered++;
      return () => registered--;
    },
  });
  return { body, registered: () => registered };
}

async function readAll(body: ReadableStream<Uint8Array>): Promise<{ type: string; object: any }[]> {
  const text = await new Response(body).text();
  return text.trim().split("\n").map((l) => JSON.parse(l));
}

Deno.test("watch stream: a watch from a too old version gets one Expired event and ends", async () => {
  const hub = new WatchHub(new FakeStore(), 10);
  const events = await readAll(stream(hub, 0).body);
  assert.deepEqual(events.map((e) => [e.type, e.object.code]), [["ERROR", 410]]);
  hub.close();
});

Deno.test("watch stream: current objects first, then changes; a reader that falls behind is cut off", async () => {
  const store = new FakeStore();
  const hub = new WatchHub(store, 100);
  const { body, registered } = stream(hub, undefined, 3);
  assert.equal(registered(), 1);
  for (const n of ["a", "b", "c", "d", "e"]) store.change(n); // nobody reads: the queue passes 3
  const events = await readAll(body);
  assert.deepEqual(events.map((e) => e.object.metadata.name), ["existing", "a", "b", "c"]);
  assert.equal(registered(), 0, "the ended watch let go of the hub");
  assert.equal(hub.watchers, 0);
  hub.close();
});
