/**
 * The outside conformance suites (CESQL TCK, CloudEvents format cases, Knative documents and CRDs, GitHub
 * webhook payloads) are other projects' files: they are never part of this repository. Tests read them at
 * run time from `DENATIVE_CONFORMANCE_DIR` (default `../shared/conformance` beside the project root). Where a
 * suite is missing, its tests are skipped with one line naming the directory; under CI=true they fail.
 */
import { isAbsolute, join, resolve } from "node:path";

const PROJECT_ROOT = new URL("../", import.meta.url).pathname;
const inCi = Deno.env.get("CI") === "true";

/** The directory the suites are looked for in (absolute; relative settings are taken from the project root). */
export const CONFORMANCE_DIR = (() => {
  const given = Deno.env.get("DENATIVE_CONFORMANCE_DIR");
  if (!given) return resolve(PROJECT_ROOT, "..", "shared", "conformance");
  return isAbsolute(given) ? given : resolve(PROJECT_ROOT, given);
})();

/** One outside suite: a directory under CONFORMANCE_DIR, and how to read it. */
export class ConformanceSuite {
  readonly dir: string;
  /** Why the suite cannot be read, or undefined when it is there. */
  readonly missing: string | undefined;

  constructor(readonly name: string) {
    this.dir = join(CONFORMANCE_DIR, name);
    this.missing = isDirectory(this.dir)
      ? undefined
      : `the outside suite ${name} is not at ${this.dir} (set DENATIVE_CONFORMANCE_DIR)`;
  }

  path(file: string): string {
    return join(this.dir, file);
  }

  /** File names in the suite ending in `suffix`, sorted; empty when the suite is missing. */
  files(suffix = ""): string[] {
    if (this.missing) return [];
    return [...Deno.readDirSync(this.dir)]
      .filter((e) => e.isFile && e.name.endsWith(suffix))
      .map((e) => e.name)
      .sort();
  }

  readText(file: string): string {
    return Deno.readTextFileSync(this.path(file));
  }

  readJson<T = unknown>(file: string): T {
    return JSON.parse(this.readText(file)) as T;
  }

  /**
   * Deno.test for a test that reads this suite: ignored with one line saying why when the suite is missing,
   * failing under CI=true.
   */
  test(name: string, fn: (t: Deno.TestContext) => void | Promise<void>, options: TestOptions = {}) {
    const missing = this.missing;
    if (missing && !inCi) console.warn(`skipping "${name}": ${missing}`);
    Deno.test({
      name,
      ...options,
      ignore: missing !== undefined && !inCi,
      async fn(t) {
        if (missing) throw new Error(`CI=true requires the outside suites: ${missing}`);
        await fn(t);
      },
    });
  }

  /** t.step for a step of a larger test that reads this suite: skipped (failing under CI=true) when missing. */
  async step(t: Deno.TestContext, name: string, fn: (t: Deno.TestContext) => void | Promise<void>) {
    const missing = this.missing;
    if (missing && !inCi) console.warn(`skipping step "${name}": ${missing}`);
    await t.step({
      name,
      ignore: missing !== undefined && !inCi,
      async fn(t) {
        if (missing) throw new Error(`CI=true requires the outside suites: ${missing}`);
        await fn(t);
      },
    });
  }

  /**
   * For files that register one Deno.test per case: when the suite is missing, registers the single
   * skipped (or, under CI, failing) test that says so, and returns false; returns true when it is there.
   */
  presentOrSkip(what: string): boolean {
    if (!this.missing) return true;
    this.test(what, () => {});
    return false;
  }
}

type TestOptions = Omit<Deno.TestDefinition, "name" | "fn" | "ignore">;

export function conformanceSuite(name: string): ConformanceSuite {
  return new ConformanceSuite(name);
}

function isDirectory(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}
