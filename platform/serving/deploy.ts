/**
 * Deploying a function directory: the Service document that results from a code bundle, the
 * directory's optional `service.yaml`, and the Service already deployed (whose traffic and
 * settings survive a code-only redeploy, as `kn service update --image` keeps them).
 */
import { type Service, SERVING_API_VERSION } from "../resources/service.ts";
import { bundleImage } from "../store/bundle_store.ts";

export interface DeployInput {
  name: string;
  namespace: string;
  digest: string;
  /** The parsed `service.yaml`, if the directory has one. */
  serviceYaml?: Record<string, unknown>;
  existing?: Service;
}

export function deployedService({ name, namespace, digest, serviceYaml, existing }: DeployInput): Service {
  const base: Service = serviceYaml ? structuredClone(serviceYaml) as unknown as Service : existing
    ? {
      apiVersion: existing.apiVersion,
      kind: existing.kind,
      metadata: structuredClone(existing.metadata),
      spec: structuredClone(existing.spec),
    }
    : {
      apiVersion: SERVING_API_VERSION,
      kind: "Service",
      metadata: { name, namespace },
      spec: { template: { spec: { containers: [{}] } } },
    };
  base.apiVersion ??= SERVING_API_VERSION;
  base.kind ??= "Service";
  base.metadata = { ...(base.metadata ?? {}), name, namespace };
  base.spec ??= { template: { spec: { containers: [{}] } } };
  base.spec.template ??= { spec: { containers: [{}] } };
  base.spec.template.spec ??= { containers: [{}] };
  const containers = base.spec.template.spec.containers?.length ? base.spec.template.spec.containers : [{}];
  containers[0] = { ...containers[0], image: bundleImage(digest) };
  base.spec.template.spec.containers = containers;
  // An explicit revision name must change with every template change; a redeploy would reuse it.
  if (existing && base.spec.template.metadata?.name === existing.spec.template.metadata?.name) {
    delete base.spec.template.metadata?.name;
  }
  if (!serviceYaml && existing) base.spec.traffic = existing.spec.traffic;
  delete base.status;
  return base;
}
