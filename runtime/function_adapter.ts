/**
 * How a function is called, in one place: the pool host's isolates and the container an export builds
 * (`runtime/container_main.ts`) both load a function and call it through this module, so the function sees
 * the same `Request`, `ctx` and environment on Denative and on Knative.
 */
import type { FunctionContext, FunctionModule } from "./types.ts";
import process from "node:process";

/** Where a function runs: Knative's runtime contract names, and the Service's declared environment. */
export interface FunctionPlace {
  service: string;
  namespace: string;
  configuration: string;
  revision: string;
  /** The environment the Service declares (`containers[0].env`). */
  env: Record<string, string>;
}

/**
 * The environment a function sees: what its Service declares, plus Knative's `K_SERVICE`,
 * `K_CONFIGURATION` and `K_REVISION` (Knative's runtime contract; the declared value wins, as there).
 */
export function functionEnv(place: FunctionPlace): Record<string, string> {
  return {
    K_SERVICE: place.service,
    K_CONFIGURATION: place.configuration,
    K_REVISION: place.revision,
    ...place.env,
  };
}

/** Makes `Deno.env` (and `process.env`) show the function exactly this environment and nothing else. */
export function installFunctionEnv(env: Record<string, string>) {
  const vars = new Map(Object.entries(env));
  const shim: Deno.Env = {
    get: (key) => vars.get(key),
    has: (key) => vars.has(key),
    set: (key, value) => void vars.set(key, value),
    delete: (key) => void vars.delete(key),
    toObject: () => Object.fromEntries(vars),
  };
  Object.defineProperty(Deno, "env", { value: shim, configurable: true });
  try {
    Object.defineProperty(process, "env", {
      value: Object.fromEntries(vars),
      configurable: true,
      writable: true,
    });
  } catch {
    // node:process may refuse; Deno.env is the documented way in.
  }
}

export function functionContext(place: FunctionPlace): FunctionContext {
  return Object.freeze({
    service: place.service,
    namespace: place.namespace,
    revision: place.revision,
    env: Object.freeze(functionEnv(place)),
  });
}

/** Imports a function's entry module and checks its shape. */
export async function loadFunction(moduleUrl: string): Promise<FunctionModule> {
  const mod = await import(moduleUrl);
  const exported = mod.default;
  if (!exported || typeof exported.fetch !== "function") {
    throw new TypeError("main.ts must default-export an object with a fetch(request, ctx) method");
  }
  return exported as FunctionModule;
}

/** A function that threw or returned something other than a Response; the cause is already logged. */
export class FunctionFailed extends Error {}

/**
 * Calls the function. A throw (or a non-Response) is logged with its stack and becomes FunctionFailed,
 * whose message is safe to show: the caller gets a 500 without the stack.
 */
export async function callFunction(
  module: FunctionModule,
  request: Request,
  ctx: FunctionContext,
): Promise<Response> {
  try {
    const response = await module.fetch(request, ctx);
    if (!(response instanceof Response)) throw new TypeError("fetch() must return a Response");
    return response;
  } catch (err) {
    console.error(`${ctx.revision}: ${request.method} ${new URL(request.url).pathname} threw:`, err);
    throw new FunctionFailed(describeError(err));
  }
}

export function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
