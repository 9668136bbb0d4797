/**
 * The chart library the dashboard page uses, uPlot from npm, served by the platform itself (no CDN:
 * the dashboard works offline). Read once from the npm package's files.
 */
import "uplot";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
let cache: { js: string; css: string } | undefined;

export function uplotAssets(): { js: string; css: string } {
  return cache ??= {
    js: Deno.readTextFileSync(require.resolve("uplot/dist/uPlot.iife.min.js")),
    css: Deno.readTextFileSync(require.resolve("uplot/dist/uPlot.min.css")),
  };
}
