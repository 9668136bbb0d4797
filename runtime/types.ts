/**
 * The types a function author writes against.
 *
 * A function is a directory whose `main.ts` default-exports a {@link FunctionModule}: the same
 * `{ fetch }` shape `deno serve` and Cloudflare Workers use.
 *
 * @example
 * ```ts
 * import type { FunctionModule } from "../../runtime/types.ts";
 *
 * export default {
 *   fetch(request, ctx) {
 *     return new Response(`hello from ${ctx.revision}, you asked for ${new URL(request.url).pathname}`);
 *   },
 * } satisfies FunctionModule;
 * ```
 */
export interface FunctionModule {
  fetch(request: Request, ctx: FunctionContext): Response | Promise<Response>;
}

/** What the platform tells a function about where it runs. */
export interface FunctionContext {
  /** The Service's name, e.g. `hello`. */
  service: string;
  /** The Service's namespace, e.g. `default`. */
  namespace: string;
  /** The Revision serving this request, e.g. `hello-00002`. */
  revision: string;
  /** The environment the Service declares (`spec.template.spec.containers[0].env`); also `Deno.env`. */
  env: Record<string, string>;
}
