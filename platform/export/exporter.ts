/**
 * `dn export`: writes what a team needs to run its Denative functions and eventing objects on Knative —
 * per Service a container build context, the Knative documents, a kustomization tying them together and a
 * README with the steps. Objects come from a running platform (admin API) or from function directories.
 */
import YAML from "yaml";
import { dirname, join } from "node:path";
import { bundleDigestOf, type BundleFile, digestFiles, readFunctionDir } from "../store/bundle_store.ts";
import { deployedService } from "../serving/deploy.ts";
import { findFunctionDirs } from "../serving/function_dirs.ts";
import { containerfile, denoJson, imageEnv, type ImageSpec, RUNTIME_FILES } from "./container_image.ts";
import {
  cleanDocument,
  type Doc,
  type ExportedDoc,
  exportService,
  scheduleScaledObject,
  type SecretReference,
  secretReference,
  serviceContainer,
} from "./export_documents.ts";
import { exportReadme } from "./export_readme.ts";

const RUNTIME_DIR = new URL("../../runtime/", import.meta.url);
const ENTRY_FILES = ["main.ts", "main.js", "main.mjs", "main.tsx"];
/** Kinds Denative derives from a Service; Knative derives them again. */
const DERIVED_KINDS = new Set(["Configuration", "Revision", "Route"]);

/** Where the objects to export come from. */
export interface ExportSource {
  /** The Services, eventing objects and Secrets to export. */
  objects(): Promise<Doc[]>;
  /** The code of a Service's revision. */
  bundle(service: Doc): Promise<BundleFile[]>;
}

export interface ExportOptions {
  /** Image name prefix, e.g. `registry.example.com/team`. */
  registry: string;
  /** Only these Services (and every eventing object). */
  services?: string[];
  /** Resolves the build context's dependencies into its deno_dir (the default runs `deno cache`). */
  resolve?: (contextDir: string, spec: ImageSpec) => Promise<void>;
  log?: (line: string) => void;
}

export interface ExportedService {
  namespace: string;
  name: string;
  image: string;
  /** The build context, relative to the export directory. */
  context: string;
  spec: ImageSpec;
}

export interface ExportResult {
  services: ExportedService[];
  /** Document files, relative to the export directory. */
  documents: string[];
  secrets: SecretReference[];
}

export class ExportError extends Error {}

export async function writeExport(
  source: ExportSource,
  outDir: string,
  opts: ExportOptions,
): Promise<ExportResult> {
  const log = opts.log ?? (() => {});
  // Objects another object's controller made (a Sequence's channels, a Channel's backing InMemoryChannel)
  // are made again by Knative's controllers from the exported owner.
  const all = (await source.objects()).filter((o) => !DERIVED_KINDS.has(o.kind) && !controlled(o));
  const wanted = opts.services;
  if (wanted) {
    const missing = wanted.filter((n) => !all.some((o) => o.kind === "Service" && o.metadata.name === n));
    if (missing.length) throw new ExportError(`no Service named ${missing.join(", ")}`);
  }
  const result: ExportResult = { services: [], documents: [], secrets: [] };
  await Deno.mkdir(outDir, { recursive: true });

  const writeDoc = async (exported: ExportedDoc) => {
    const { doc, notes } = exported;
    const ns = doc.metadata.namespace ?? "default";
    const file = join("manifests", ns, `${doc.kind.toLowerCase()}-${doc.metadata.name}.yaml`);
    const comment = notes.map((n) => `# ${n}\n`).join("");
    await Deno.mkdir(join(outDir, dirname(file)), { recursive: true });
    await Deno.writeTextFile(join(outDir, file), comment + YAML.stringify(doc));
    result.documents.push(file);
  };

  for (const obj of all) {
    const ns = obj.metadata.namespace ?? "default";
    if (obj.kind === "Secret") {
      result.secrets.push(secretReference(obj));
    } else if (obj.kind === "Service") {
      if (wanted && !wanted.includes(obj.metadata.name)) continue;
      const image = `${opts.registry.replace(/\/+$/, "")}/${obj.metadata.name}`;
      const context = join("build", ns, obj.metadata.name);
      log(`${ns}/${obj.metadata.name}: build context ${context}`);
      const spec = await writeBuildContext(await source.bundle(obj), obj, join(outDir, context), opts);
      result.services.push({ namespace: ns, name: obj.metadata.name, image, context, spec });
      await writeDoc(exportService(obj, image));
      const scaled = scheduleScaledObject(obj);
      if (scaled) await writeDoc(scaled);
    } else {
      await writeDoc({ doc: cleanDocument(obj), notes: [] });
    }
  }
  result.documents.sort();
  await Deno.writeTextFile(join(outDir, "kustomization.yaml"), kustomization(result));
  await Deno.writeTextFile(join(outDir, "README.md"), exportReadme(result));
  return result;
}

function controlled(obj: Doc): boolean {
  const refs = (obj.metadata.ownerReferences ?? []) as { controller?: boolean }[];
  return refs.some((r) => r.controller === true);
}

function kustomization(result: ExportResult): string {
  const doc = {
    apiVersion: "kustomize.config.k8s.io/v1beta1",
    kind: "Kustomization",
    resources: result.documents,
    images: result.services.map((s) => ({ name: s.image, digest: "sha256:FILL-IN-AFTER-PUSH" })),
  };
  return "# Generated by `dn export`. After pushing each image, put its digest here (see README.md).\n" +
    YAML.stringify(doc);
}

async function writeBuildContext(files: BundleFile[], service: Doc, dir: string, opts: ExportOptions) {
  const entry = ENTRY_FILES.find((e) => files.some((f) => f.path === e));
  if (!entry) throw new ExportError(`${service.metadata.name}: its code has no main.ts or main.js`);
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  for (const f of files) {
    const target = join(dir, "function", f.path);
    await Deno.mkdir(dirname(target), { recursive: true });
    await Deno.writeFile(target, f.data);
  }
  await Deno.mkdir(join(dir, "runtime"), { recursive: true });
  for (const name of RUNTIME_FILES) {
    await Deno.copyFile(new URL(name, RUNTIME_DIR), join(dir, "runtime", name));
  }
  const ownConfig = files.find((f) => f.path === "deno.json");
  const imports = ownConfig ? (JSON.parse(new TextDecoder().decode(ownConfig.data)).imports ?? {}) : {};
  await Deno.writeTextFile(join(dir, "deno.json"), denoJson(imports));
  const container = serviceContainer(service);
  const spec: ImageSpec = {
    denoVersion: Deno.version.deno,
    entry,
    namespace: service.metadata.namespace ?? "default",
    declaredEnv: (container.env ?? []).map((e) => e.name).filter((n) => !n.startsWith("K_")),
  };
  await Deno.writeTextFile(join(dir, "Containerfile"), containerfile(spec));
  await (opts.resolve ?? resolveDependencies)(dir, spec);
  return spec;
}

/**
 * Downloads every remote and `npm:` import of the function into the context's deno_dir, with the
 * exporting machine's network settings, so that neither the build nor the container needs the network.
 */
export async function resolveDependencies(dir: string, spec: ImageSpec): Promise<void> {
  const env = imageEnv(spec, dir);
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "cache",
      "--no-lock",
      "--config",
      "deno.json",
      "runtime/container_main.ts",
      `function/${spec.entry}`,
    ],
    cwd: dir,
    env: { DENO_DIR: env.DENO_DIR, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    const text = new TextDecoder().decode(out.stderr).trim().split("\n").filter(Boolean);
    throw new ExportError(`resolving the dependencies of ${dir} failed: ${text.slice(-3).join(" ")}`);
  }
}

/** Objects from a running platform, through its admin API. */
export class PlatformSource implements ExportSource {
  constructor(
    private readonly client: {
      /** undefined on 404. */
      find<T>(path: string): Promise<T | undefined>;
      downloadBundle(digest: string): Promise<BundleFile[]>;
    },
    private readonly kinds: { apiVersion: string; kind: string; plural: string }[],
    private readonly namespace?: string,
  ) {}

  async objects(): Promise<Doc[]> {
    const seen = new Set<string>();
    const out: Doc[] = [];
    for (const kind of this.kinds) {
      if (DERIVED_KINDS.has(kind.kind) || seen.has(kind.kind)) continue;
      seen.add(kind.kind);
      const base = kind.apiVersion.includes("/") ? `/apis/${kind.apiVersion}` : `/api/${kind.apiVersion}`;
      const path = this.namespace
        ? `${base}/namespaces/${this.namespace}/${kind.plural}`
        : `${base}/${kind.plural}`;
      const list = await this.client.find<{ items: Doc[] }>(path);
      if (!list) continue; // a kind this platform does not serve
      out.push(
        ...list.items.map((o) => ({ ...o, apiVersion: o.apiVersion ?? kind.apiVersion, kind: kind.kind })),
      );
    }
    return out;
  }

  async bundle(service: Doc): Promise<BundleFile[]> {
    const image = serviceContainer(service).image;
    const digest = bundleDigestOf(image);
    if (!digest) {
      throw new ExportError(`${service.metadata.name}: its image ${image} is not a Denative code bundle`);
    }
    return await this.client.downloadBundle(digest);
  }
}

/** Services from function directories, as `deno task serve --functions DIR` would deploy them. */
export class DirectorySource implements ExportSource {
  #files = new Map<string, BundleFile[]>();

  constructor(private readonly root: string, private readonly namespace = "default") {}

  async objects(): Promise<Doc[]> {
    const out: Doc[] = [];
    for (const name of await findFunctionDirs(this.root)) {
      const files = await readFunctionDir(join(this.root, name));
      this.#files.set(name, files);
      const yamlFile = files.find((f) => f.path === "service.yaml" || f.path === "service.yml");
      const serviceYaml = yamlFile
        ? YAML.parse(new TextDecoder().decode(yamlFile.data)) ?? undefined
        : undefined;
      const digest = await digestFiles(files);
      out.push(deployedService({ name, namespace: this.namespace, digest, serviceYaml }) as unknown as Doc);
    }
    return out;
  }

  bundle(service: Doc): Promise<BundleFile[]> {
    return Promise.resolve(this.#files.get(service.metadata.name) ?? []);
  }
}
