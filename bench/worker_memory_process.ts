/**
 * The bare reference for memory: one deno process that starts hello workers (each imports the
 * module and serves one request), and reports its resident memory with 0, 1 and `n` idle workers,
 * plus one worker's own heap. Prints one JSON line.
 *
 * Usage: deno run --no-config --unstable-worker-options --allow-read --allow-env=TARGET \
 *   worker_memory_process.ts MODULE_DIR N
 */

interface Probe {
  rss0: number;
  rss1: number;
  rssN: number;
  n: number;
  heapUsed: number;
  external: number;
}

const WORKER_SOURCE = `
self.onmessage = async (e) => {
  const mod = await import(e.data.moduleUrl);
  await (await mod.default.fetch(new Request("http://localhost/"), { revision: "bare" })).text();
  await new Promise((r) => setTimeout(r, 300));
  const m = Deno.memoryUsage();
  self.postMessage({ heapUsed: m.heapUsed, external: m.external });
};
`;

const [dir, count] = Deno.args;
const n = Number(count);
const moduleUrl = new URL(`file://${dir}/main.ts`).href;
const bootstrap = `data:application/javascript,${encodeURIComponent(WORKER_SOURCE)}`;
const workers: Worker[] = [];

function startWorker(): Promise<{ heapUsed: number; external: number }> {
  const w = new Worker(bootstrap, {
    type: "module",
    deno: { permissions: { read: [dir], env: ["TARGET"], net: true, write: false, run: false, ffi: false } },
  });
  workers.push(w);
  return new Promise((resolve, reject) => {
    w.onmessage = (e) => resolve(e.data);
    w.onerror = (e) => {
      e.preventDefault();
      reject(new Error(e.message));
    };
    w.postMessage({ moduleUrl });
  });
}

async function settledRss(): Promise<number> {
  await new Promise((r) => setTimeout(r, 1000));
  return Deno.memoryUsage().rss;
}

const rss0 = await settledRss();
const first = await startWorker();
const rss1 = await settledRss();
for (let i = 1; i < n; i++) await startWorker();
const rssN = await settledRss();
const probe: Probe = { rss0, rss1, rssN, n, heapUsed: first.heapUsed, external: first.external };
console.log(JSON.stringify(probe));
for (const w of workers) w.terminate();
Deno.exit(0);
