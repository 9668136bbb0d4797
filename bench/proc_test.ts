import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import {
  childPids,
  cpuSeconds,
  parentPid,
  processTree,
  pssBytes,
  vmRssBytes,
  workerThreads,
} from "./proc.ts";

Deno.test("parent pid survives odd command names", () => {
  assertEquals(parentPid("123 (a) b (c)) S 456 123 123 0 -1"), 456);
});

Deno.test("this process is its parent's child and has resident memory", () => {
  assert(childPids(Deno.ppid).includes(Deno.pid));
  assert(processTree(Deno.ppid).includes(Deno.pid));
  assert(vmRssBytes(Deno.pid) > 0);
  assertEquals(vmRssBytes(0x7ffffff0), 0);
});

Deno.test("CPU time of a live and of a missing process", () => {
  let x = 0;
  for (let i = 0; i < 5e7; i++) x += i;
  assert(x > 0 && cpuSeconds(Deno.pid) > 0);
  assertEquals(cpuSeconds(0x7ffffff0), 0);
});

Deno.test("a Web Worker shows up as a worker thread", async () => {
  const before = workerThreads(Deno.pid);
  const url = `data:application/javascript,${encodeURIComponent("self.postMessage(1)")}`;
  const worker = new Worker(url, { type: "module" });
  await new Promise((resolve) => (worker.onmessage = resolve));
  assertEquals(workerThreads(Deno.pid), before + 1);
  worker.terminate();
});

Deno.test("PSS of a live process is positive and at most its RSS; a missing one has none", () => {
  const pss = pssBytes(Deno.pid);
  assert(pss > 0 && pss <= vmRssBytes(Deno.pid) * 1.01, `pss ${pss}, rss ${vmRssBytes(Deno.pid)}`);
  assertEquals(pssBytes(0x7ffffff0), 0);
});
