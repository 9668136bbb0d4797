/**
 * Dependencies resolved when a function is deployed, never when an instance starts.
 *
 * A bundle whose code imports `npm:`, `jsr:` or remote modules, or that carries its own deno.json,
 * package.json or deno.lock, is bundled once with `deno bundle` in the platform process (with the
 * platform's network settings, the lock file honoured with --frozen) into one module stored beside
 * its entry in the content-addressed bundle directory (`.main.resolved.js`, a dot-file, so not part
 * of the digest). Downloads go to one cache for all bundles (`<state>/dependencies`), so a package
 * is fetched and stored once however many functions use it. Instances load that single module;
 * their pool hosts run with --cached-only and never fetch a module.
 */
import { RevisionNotRunnable } from "./revision_not_runnable.ts";

/** The stored result of resolving a bundle's dependencies, beside its entry. */
export const RESOLVED_ENTRY = ".main.resolved.js";
/** Its source map: stack traces point at the function's own files and the packages' (read only for those). */
export const RESOLVED_MAP = `${RESOLVED_ENTRY}.map`;
export const DEPENDENCIES_FAILED = "DependenciesFailed";
const CONFIG_FILES = ["deno.json", "deno.jsonc", "package.json", "deno.lock"];
const SOURCE = /\.(ts|tsx|js|jsx|mjs|mts)$/;
/** An import of something that lives outside the bundle (a string literal starting so). */
const OUTSIDE_IMPORT = /["'](npm:|jsr:|https?:\/\/)/;
/** How long one resolution may take (a cold cache downloads every package), ms. */
const RESOLVE_TIMEOUT_MS = 180_000;

/** Whether a bundle needs resolving: it has a config or lock file, or a source imports from outside. */
export function needsResolution(files: { path: string; text: () => string }[]): boolean {
  for (const f of files) {
    if (!f.path.includes("/") && CONFIG_FILES.includes(f.path)) return true;
  }
  return files.some((f) => SOURCE.test(f.path) && OUTSIDE_IMPORT.test(f.text()));
}

/** The resolver's own words, without colours, progress lines and Deno's backtrace. */
export function resolverMessage(stderr: string): string {
  // deno-lint-ignore no-control-regex
  const plain = stderr.replace(/\x1b\[[0-9;]*m/g, "");
  const lines = plain.split("\n").map((l) => l.trim()).filter((l) =>
    l && !l.startsWith("Download ") && !l.startsWith("⚠️") && !l.startsWith("Stack backtrace") &&
    !/^\d+: /.test(l) && l !== "error: bundling failed"
  );
  return lines.join(" ").slice(0, 1000) || "deno bundle failed";
}

export interface ResolveOptions {
  /** The download cache shared by every bundle (a DENO_DIR). */
  cacheDir: string;
}

/**
 * The entry module instances should load for a bundle: `entry` itself when nothing needs resolving,
 * else the resolved module (made on first call). Throws RevisionNotRunnable with the resolver's
 * message (it names the package) when a dependency cannot be resolved.
 */
export async function resolvedEntry(bundleDir: string, entry: string, opts: ResolveOptions): Promise<string> {
  if (await exists(`${bundleDir}/${RESOLVED_ENTRY}`)) return RESOLVED_ENTRY;
  const files = await listFiles(bundleDir);
  const texts = new Map<string, string>();
  const needed = needsResolution(files.map((path) => ({
    path,
    text: () => texts.get(path) ?? Deno.readTextFileSync(`${bundleDir}/${path}`),
  })));
  if (!needed) return entry;
  // A copy in a fresh directory: Deno must find the function's deno.json/package.json and no
  // other (config discovery walks up from the working directory), and writes nothing into the bundle.
  const work = await Deno.makeTempDir({ prefix: "denative-resolve-" });
  try {
    for (const path of files) {
      await Deno.mkdir(`${work}/${path}`.replace(/\/[^/]*$/, ""), { recursive: true });
      await Deno.copyFile(`${bundleDir}/${path}`, `${work}/${path}`);
    }
    await Deno.mkdir(opts.cacheDir, { recursive: true });
    const has = (f: string) => files.includes(f);
    const config = has("deno.json")
      ? ["--config=deno.json"]
      : has("deno.jsonc")
      ? ["--config=deno.jsonc"]
      : [];
    const args = [
      "bundle",
      "--quiet",
      "--platform=deno",
      // The SDK stays an import: the pool host's import map points it at this platform's runtime/.
      "--external=denative/*",
      ...(config.length === 0 && !has("package.json") ? ["--no-config"] : config),
      ...(has("deno.lock") ? ["--lock=deno.lock", "--frozen"] : ["--no-lock"]),
      ...(has("package.json") ? ["--node-modules-dir=auto"] : []),
      "--sourcemap=linked",
      entry,
      "--output",
      `${work}/${RESOLVED_ENTRY}`,
    ];
    const out = await oneAtATime(() =>
      new Deno.Command(Deno.execPath(), {
        args,
        cwd: work,
        env: { DENO_DIR: opts.cacheDir, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(RESOLVE_TIMEOUT_MS),
      }).output()
    );
    if (!out.success) {
      throw new RevisionNotRunnable(
        DEPENDENCIES_FAILED,
        `resolving the function's dependencies failed: ${
          resolverMessage(new TextDecoder().decode(out.stderr)).replaceAll(`file://${work}/`, "")
        }`,
      );
    }
    // Beside the entry, so `import.meta.url`-relative paths still point into the bundle; the map
    // first, so the module is never there without it.
    const map = await Deno.readTextFile(`${work}/${RESOLVED_MAP}`);
    await writeAtomically(
      `${bundleDir}/${RESOLVED_MAP}`,
      rebaseSourceMap(map, new URL(`file://${work}/`).href),
    );
    await writeAtomically(`${bundleDir}/${RESOLVED_ENTRY}`, await Deno.readFile(`${work}/${RESOLVED_ENTRY}`));
    return RESOLVED_ENTRY;
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
}

/**
 * A source map made in the scratch directory `workUrl`, for the bundle directory: the function's
 * own files stay relative (they are beside the module in every slot it is loaded from), packages
 * become absolute URLs into the dependency cache (relative to the scratch directory they would
 * point nowhere once the module is loaded from a slot).
 */
export function rebaseSourceMap(map: string, workUrl: string): string {
  const parsed = JSON.parse(map) as { sources?: string[]; sourceRoot?: string };
  const root = new URL(parsed.sourceRoot ?? "", workUrl).href;
  parsed.sources = (parsed.sources ?? []).map((source) => {
    const url = new URL(source, root).href;
    return url.startsWith(workUrl) ? url.slice(workUrl.length) : url;
  });
  delete parsed.sourceRoot;
  return JSON.stringify(parsed);
}

async function writeAtomically(path: string, data: string | Uint8Array) {
  const tmp = `${path}.${crypto.randomUUID()}`;
  if (typeof data === "string") await Deno.writeTextFile(tmp, data);
  else await Deno.writeFile(tmp, data);
  await Deno.rename(tmp, path);
}

/**
 * `deno bundle` processes sharing a fresh cache race to install the bundler itself (seen: "failed to
 * copy esbuild binary ... No such file or directory"), so the platform runs one at a time.
 */
let bundling: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(run: () => Promise<T>): Promise<T> {
  const turn = bundling.then(run);
  bundling = turn.catch(() => {});
  return turn;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** A bundle's files (dot-files left out), relative paths with `/`. */
async function listFiles(dir: string, rel = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(rel ? `${dir}/${rel}` : dir)) {
    if (e.name.startsWith(".")) continue;
    const path = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory) out.push(...await listFiles(dir, path));
    else if (e.isFile) out.push(path);
  }
  return out;
}
