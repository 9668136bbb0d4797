/**
 * Content-addressed code bundles. Deploying a directory snapshots its files under
 * `<state>/bundles/<sha256>/`; a revision names its snapshot by digest, so later edits to the
 * directory never change what a running revision executes.
 */
import { encodeHex } from "./hex.ts";

export interface BundleFile {
  /** Relative path with `/` separators, e.g. `lib/util.ts`. */
  path: string;
  data: Uint8Array;
}

/** How a Service's container `image` names a bundle. */
export const BUNDLE_IMAGE_PREFIX = "bundle:sha256:";

/** Directories never part of a bundle. */
const SKIPPED = new Set([".git", ".denative", "node_modules"]);
export const MAX_BUNDLE_BYTES = 50 * 1024 * 1024;

export function bundleImage(digest: string): string {
  return `${BUNDLE_IMAGE_PREFIX}${digest}`;
}

/** The digest a container image refers to, or null when it names a container image instead. */
export function bundleDigestOf(image: string | undefined): string | null {
  if (!image?.startsWith(BUNDLE_IMAGE_PREFIX)) return null;
  const digest = image.slice(BUNDLE_IMAGE_PREFIX.length);
  return /^[0-9a-f]{64}$/.test(digest) ? digest : null;
}

export async function digestFiles(files: BundleFile[]): Promise<string> {
  const parts: string[] = [];
  for (const f of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    const h = encodeHex(
      new Uint8Array(await crypto.subtle.digest("SHA-256", f.data as Uint8Array<ArrayBuffer>)),
    );
    parts.push(`${f.path}\0${h}\n`);
  }
  const all = new TextEncoder().encode(parts.join(""));
  return encodeHex(new Uint8Array(await crypto.subtle.digest("SHA-256", all)));
}

/** Refuses paths that would escape the bundle directory. */
export function checkBundlePath(path: string): string | null {
  if (!path || path.startsWith("/") || path.includes("\\") || path.includes("\0")) {
    return "must be a relative path";
  }
  if (path.split("/").some((p) => p === ".." || p === "." || p === "")) {
    return "may not contain '.', '..' or '//'";
  }
  return null;
}

/** Reads a function directory into bundle files (hidden and dependency directories left out). */
export async function readFunctionDir(dir: string): Promise<BundleFile[]> {
  const files: BundleFile[] = [];
  let total = 0;
  async function walk(rel: string) {
    for await (const entry of Deno.readDir(rel ? `${dir}/${rel}` : dir)) {
      if (SKIPPED.has(entry.name) || entry.name.startsWith(".")) continue;
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory) await walk(path);
      else if (entry.isFile) {
        const data = await Deno.readFile(`${dir}/${path}`);
        total += data.byteLength;
        if (total > MAX_BUNDLE_BYTES) throw new Error(`${dir} is larger than ${MAX_BUNDLE_BYTES} bytes`);
        files.push({ path, data });
      }
    }
  }
  await walk("");
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/** Where bundles are shared between the nodes of a cluster; the local directory caches them. */
export interface BundleRemote {
  upload(digest: string, files: BundleFile[]): Promise<void>;
  download(digest: string): Promise<BundleFile[] | null>;
}

export class BundleStore {
  constructor(readonly root: string, private readonly remote?: BundleRemote) {
    Deno.mkdirSync(root, { recursive: true });
  }

  dirOf(digest: string): string {
    return `${this.root}/${digest}`;
  }

  /** Whether the bundle is on this node's disk, fetching it from the cluster first when it is not. */
  async has(digest: string): Promise<boolean> {
    if (await this.#hasLocal(digest)) return true;
    if (!this.remote || !/^[0-9a-f]{64}$/.test(digest)) return false;
    const files = await this.remote.download(digest);
    if (!files) return false;
    if (await this.#putLocal(files) !== digest) {
      throw new Error(`bundle ${digest} came back with other content`);
    }
    return true;
  }

  async #hasLocal(digest: string): Promise<boolean> {
    try {
      return (await Deno.stat(`${this.dirOf(digest)}/.complete`)).isFile;
    } catch {
      return false;
    }
  }

  /** Stores files as a bundle (once; the same content gives the same digest) and returns its digest. */
  async put(files: BundleFile[]): Promise<string> {
    const digest = await this.#putLocal(files);
    await this.remote?.upload(digest, files);
    return digest;
  }

  async #putLocal(files: BundleFile[]): Promise<string> {
    for (const f of files) {
      const problem = checkBundlePath(f.path);
      if (problem) throw new Error(`bundle file "${f.path}" ${problem}`);
    }
    const digest = await digestFiles(files);
    if (await this.#hasLocal(digest)) return digest;
    const tmp = `${this.root}/.tmp-${crypto.randomUUID()}`;
    for (const f of files) {
      const target = `${tmp}/${f.path}`;
      await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
      await Deno.writeFile(target, f.data);
    }
    await Deno.writeTextFile(`${tmp}/.complete`, digest);
    try {
      await Deno.rename(tmp, this.dirOf(digest));
    } catch (err) {
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
      if (!await this.#hasLocal(digest)) throw err;
    }
    return digest;
  }

  /** A stored bundle's files, or null when there is no such bundle. */
  async files(digest: string): Promise<BundleFile[] | null> {
    if (!/^[0-9a-f]{64}$/.test(digest) || !await this.has(digest)) return null;
    return await readFunctionDir(this.dirOf(digest)); // leaves out dot-files such as .complete
  }

  /** The entry module of a bundle: main.ts, else main.js. */
  async entryOf(digest: string): Promise<string | null> {
    for (const name of ["main.ts", "main.js", "main.mjs", "main.tsx"]) {
      try {
        await Deno.stat(`${this.dirOf(digest)}/${name}`);
        return `${this.dirOf(digest)}/${name}`;
      } catch {
        // try the next
      }
    }
    return null;
  }
}
