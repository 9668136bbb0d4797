/**
 * `deno task serve`'s function directories: each subdirectory with a main.ts (or main.js) becomes
 * a Service in namespace `default`, and a change to its files makes a new revision.
 */
import YAML from "yaml";
import type { ResourceStore } from "../store/resource_store.ts";
import { type BundleStore, readFunctionDir } from "../store/bundle_store.ts";
import type { KindRegistry } from "../resources/kinds.ts";
import type { Service } from "../resources/service.ts";
import { deployedService } from "./deploy.ts";
import type { Logger } from "../log.ts";

export interface FunctionDirDeps {
  store: ResourceStore;
  bundles: BundleStore;
  kinds: KindRegistry;
  log: Logger;
}

const ENTRY_FILES = ["main.ts", "main.js", "main.mjs", "main.tsx"];

/** The function directories under `root`: subdirectories holding an entry file. */
export async function findFunctionDirs(root: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(root)) {
      if (!e.isDirectory || e.name.startsWith(".")) continue;
      for (const f of ENTRY_FILES) {
        if (await exists(`${root}/${e.name}/${f}`)) {
          names.push(e.name);
          break;
        }
      }
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return names.sort();
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Snapshots a directory and applies its Service; throws with a readable reason when it cannot. */
export async function deployFunctionDir(
  deps: FunctionDirDeps,
  dir: string,
  name: string,
  namespace = "default",
): Promise<Service> {
  const files = await readFunctionDir(dir);
  const digest = await deps.bundles.put(files);
  const yamlFile = files.find((f) => f.path === "service.yaml" || f.path === "service.yml");
  let serviceYaml: Record<string, unknown> | undefined;
  if (yamlFile) {
    try {
      serviceYaml = YAML.parse(new TextDecoder().decode(yamlFile.data)) ?? undefined;
    } catch (err) {
      throw new Error(`${dir}/${yamlFile.path} is not valid YAML: ${(err as Error).message}`);
    }
  }
  const existing = deps.store.get<Service>("Service", namespace, name);
  const doc = deployedService({ name, namespace, digest, serviceYaml, existing });
  const kind = deps.kinds.byKind("serving.knative.dev/v1", "Service")!;
  const { object, errors } = kind.parse!(doc);
  if (errors.length) {
    throw new Error(
      `${dir}/service.yaml is invalid: ${errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`,
    );
  }
  return deps.store.put(object) as Service;
}

/** Redeploys a function directory when its files change, a short while after the last change. */
export function watchFunctionDirs(
  deps: FunctionDirDeps,
  root: string,
  debounceMs: number,
  onDeployed: (name: string, service: Service) => void,
): () => void {
  let watcher: Deno.FsWatcher;
  try {
    watcher = Deno.watchFs(root, { recursive: true });
  } catch (err) {
    deps.log.warn(`not watching ${root}: ${(err as Error).message}`);
    return () => {};
  }
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  (async () => {
    try {
      for await (const event of watcher) {
        for (const path of event.paths) {
          const rel = path.startsWith(root + "/") ? path.slice(root.length + 1) : null;
          const name = rel?.split("/")[0];
          if (!name || name.startsWith(".")) continue;
          clearTimeout(timers.get(name));
          timers.set(
            name,
            setTimeout(async () => {
              timers.delete(name);
              if (!(await findFunctionDirs(root)).includes(name)) return;
              try {
                onDeployed(name, await deployFunctionDir(deps, `${root}/${name}`, name));
              } catch (err) {
                deps.log.error(`redeploying ${name} failed: ${(err as Error).message}`);
              }
            }, debounceMs),
          );
        }
      }
    } catch {
      // watcher closed
    }
  })();
  return () => {
    for (const t of timers.values()) clearTimeout(t);
    try {
      watcher.close();
    } catch { /* closed */ }
  };
}
