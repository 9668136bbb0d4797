/**
 * Finds the workerd binary that the npm package `workerd` ships (its platform package holds it),
 * fetching the package into Deno's cache if needed. Prints one JSON line: { path, version, compatibilityDate }.
 * Run without the project's config and lock file, so the project's lock is never touched:
 *   deno run --no-config --no-lock --allow-read --allow-env workerd_locate_process.ts
 */
// A variable specifier: the project's `deno check` does not try to resolve it.
const specifier = "npm:workerd@^1.20261117.1";
const mod = await import(specifier);
type Exports = { default?: unknown; compatibilityDate?: string; version?: string };
// CommonJS: the default import is module.exports, whose own `default` is the binary's path.
const exports = (typeof mod.default === "object" ? mod.default : mod) as Exports;
const path = typeof exports.default === "string" ? exports.default : String(mod.default);
console.log(JSON.stringify({ path, version: exports.version, compatibilityDate: exports.compatibilityDate }));
