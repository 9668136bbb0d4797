/**
 * Bare `new Worker` + import of a hello module + first response, timed in this process, with the
 * same narrowed permissions the platform gives its instances.
 */
import type { HelloVariant } from "./hello_variant.ts";

const BOOTSTRAP = new URL("./worker_cold_start_bootstrap.ts", import.meta.url);

/** Milliseconds from `new Worker` to the first response's body arriving back. */
export async function workerColdStartMs(variant: HelloVariant): Promise<number> {
  const t0 = performance.now();
  const worker = new Worker(BOOTSTRAP, {
    type: "module",
    deno: {
      permissions: {
        read: [variant.dir],
        net: true,
        env: ["TARGET"],
        write: false,
        run: false,
        ffi: false,
        sys: false,
      },
    },
  });
  try {
    const body = await new Promise<string>((resolve, reject) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.onerror = (e) => {
        e.preventDefault();
        reject(new Error(e.message));
      };
      worker.postMessage({ moduleUrl: variant.moduleUrl });
    });
    const ms = performance.now() - t0;
    if (!body.startsWith(variant.greeting)) throw new Error(`unexpected body: ${body}`);
    return ms;
  } finally {
    worker.terminate();
  }
}
