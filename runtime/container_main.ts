/**
 * The entrypoint of the container image `dn export` writes: serves one function under Knative's runtime
 * contract, through the same adapter the pool hosts use (`function_adapter.ts`), so the function sees the
 * same `Request`, `ctx` and environment as on Denative.
 *
 * - listens on `$PORT` (Knative sets it; 8080 otherwise), all interfaces;
 * - `K_SERVICE`, `K_CONFIGURATION`, `K_REVISION` from Knative, `DENATIVE_NAMESPACE` from the export;
 * - the function's environment is the names listed in `DENATIVE_DECLARED_ENV` (what its Service declares),
 *   `K_SINK`/`K_CE_OVERRIDES` where a SinkBinding set them, and the `K_*` variables; nothing else;
 * - a throw answers 500 without the stack; SIGTERM stops accepting and lets in-flight requests finish.
 *
 * Usage (as the Containerfile runs it): `deno run ... runtime/container_main.ts function/main.ts`
 */
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import {
  callFunction,
  functionContext,
  functionEnv,
  FunctionFailed,
  installFunctionEnv,
  loadFunction,
} from "./function_adapter.ts";

const [entry] = Deno.args;
if (!entry) {
  console.error("usage: container_main.ts FUNCTION_ENTRY (e.g. function/main.ts)");
  Deno.exit(2);
}

// Only named variables can be read: the container may see no more of its environment than the function.
const env = (name: string) => Deno.env.get(name);
const declared = (env("DENATIVE_DECLARED_ENV") ?? "").split(",").map((n) => n.trim()).filter(Boolean);
declared.push("K_SINK", "K_CE_OVERRIDES");
const service = env("K_SERVICE") ?? "function";
const place = {
  service,
  namespace: env("DENATIVE_NAMESPACE") ?? "default",
  configuration: env("K_CONFIGURATION") ?? service,
  revision: env("K_REVISION") ?? `${service}-local`,
  env: Object.fromEntries(declared.flatMap((n) => {
    const value = env(n);
    return value === undefined ? [] : [[n, value]];
  })),
};
const port = Number(env("PORT") ?? 8080);

installFunctionEnv(functionEnv(place));
const ctx = functionContext(place);
const module = await loadFunction(pathToFileURL(resolve(entry)).href);

const server = Deno.serve({
  port,
  hostname: "0.0.0.0",
  onListen: ({ port }) => console.error(`${ctx.revision}: serving ${entry} on port ${port}`),
}, async (request) => {
  try {
    return await callFunction(module, request, ctx);
  } catch (err) {
    if (err instanceof FunctionFailed) return new Response("Internal Server Error", { status: 500 });
    throw err;
  }
});

Deno.addSignalListener("SIGTERM", async () => {
  console.error(`${ctx.revision}: SIGTERM: finishing in-flight requests`);
  await server.shutdown();
  Deno.exit(0);
});
