/**
 * `dn export -o DIR`: the Services and eventing objects of a running platform (or of function
 * directories, `--from-dir`), as container build contexts and Knative documents for a Kubernetes cluster.
 */
import type { Command } from "../command.ts";
import { CliError, UsageError } from "../cli_error.ts";
import { RESOURCE_KINDS } from "../resource_kinds.ts";
import {
  DirectorySource,
  ExportError,
  type ExportSource,
  PlatformSource,
  writeExport,
} from "../../export/exporter.ts";

export const exportCommand: Command = {
  path: ["export"],
  summary: "Write container build contexts and Knative documents to run the functions on Kubernetes",
  details: [
    "Per Service: build/NAMESPACE/NAME/ (its code, resolved dependencies, the runtime adapter and a",
    "Containerfile on the Deno base image Denative runs), manifests/ (the Service and every eventing object",
    "as Knative documents; Secrets only as the keys to create), kustomization.yaml and a README.md with the",
    'docker build / kubectl apply steps. Without -A, only the namespace of -n (default "default").',
    "",
    "Examples:",
    "  dn export -o out/ --registry registry.example.com/team",
    "  dn export --service hello,echo -o out/",
    "  dn export --from-dir functions/ -o out/      (no platform needed)",
  ].join("\n"),
  outputIsPath: true,
  flags: [
    {
      name: "output-dir",
      placeholder: "DIR",
      description: "where to write the export (required; also -o DIR)",
    },
    {
      name: "registry",
      placeholder: "PREFIX",
      description: 'image name prefix (default "registry.example.com")',
    },
    {
      name: "service",
      short: "s",
      placeholder: "NAME[,NAME]",
      description: "export only these Services (and every eventing object)",
    },
    { name: "from-dir", placeholder: "DIR", description: "read function directories instead of a platform" },
  ],
  async run(ctx, _args, flags) {
    const outDir = flags.string("output-dir") ?? flags.string("output");
    if (!outDir) throw new UsageError("dn export needs -o DIR (or --output-dir DIR)");
    const fromDir = flags.string("from-dir");
    const source: ExportSource = fromDir
      ? new DirectorySource(fromDir, ctx.namespace)
      : new PlatformSource(ctx.client(), [...RESOURCE_KINDS], ctx.allNamespaces ? undefined : ctx.namespace);
    const services = (flags.string("service") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    try {
      const result = await writeExport(source, outDir, {
        registry: flags.string("registry") ?? "registry.example.com",
        services: services.length ? services : undefined,
        log: (line) => ctx.err(line),
      });
      ctx.out(
        `Exported ${result.services.length} Service(s) and ${result.documents.length} document(s) to ${outDir}` +
          ` (see ${outDir}/README.md)`,
      );
    } catch (err) {
      if (err instanceof ExportError) throw new CliError(err.message);
      throw err;
    }
  },
};
