/**
 * The isolate floor for density: one bare deno process holding N hello workers, each of which has
 * imported hello and answered one request. Prints "ready" once all have, then waits to be killed
 * (the bench reads its PSS meanwhile).
 *
 * Usage: deno run --no-config --unstable-worker-options --allow-read=MODULE_DIR --allow-env=TARGET \
 *   density_floor_process.ts MODULE_DIR N
 */
const WORKER_SOURCE = `
self.onmessage = async (e) => {
  const mod = await import(e.data.moduleUrl);
  await (await mod.default.fetch(new Request("http://localhost/"), { revision: "bare" })).text();
  self.postMessage("served");
};
`;

const [dir, count] = Deno.args;
const moduleUrl = new URL(`file://${dir}/main.ts`).href;
const bootstrap = `data:application/javascript,${encodeURIComponent(WORKER_SOURCE)}`;
const workers: Worker[] = [];
for (let i = 0; i < Number(count); i++) {
  const w = new Worker(bootstrap, {
    type: "module",
    deno: { permissions: { read: [dir], env: ["TARGET"], net: false, write: false, run: false, ffi: false } },
  });
  workers.push(w);
  await new Promise((resolve, reject) => {
    w.onmessage = resolve;
    w.onerror = (e) => {
      e.preventDefault();
      reject(new Error(e.message));
    };
    w.postMessage({ moduleUrl });
  });
}
console.log("ready");
await new Promise(() => {});
