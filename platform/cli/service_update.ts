/**
 * `dn service update`'s edits to a Service, as kn makes them: `--annotation` on the revision
 * template, `--env` on the function's container, `--concurrency-limit` as containerConcurrency, and
 * the traffic flags on `spec.traffic`. Template edits make a new revision; traffic edits do not.
 */
import type { EnvVar, Service } from "../resources/service.ts";
import { UsageError } from "./cli_error.ts";
import { applyKeyEdits, type KeyEdits, parseKeyEdits } from "./key_value.ts";
import { editTraffic, hasTrafficEdits, type TrafficEdits } from "./traffic_flags.ts";

export interface ServiceUpdate {
  traffic: TrafficEdits;
  /** `KEY=VALUE` or `KEY-` */
  annotations: string[];
  /** `NAME=VALUE` or `NAME-` */
  env: string[];
  concurrencyLimit?: string;
}

export function hasServiceUpdate(u: ServiceUpdate): boolean {
  return hasTrafficEdits(u.traffic) || u.annotations.length + u.env.length > 0 ||
    u.concurrencyLimit !== undefined;
}

/** The Service with the edits made; `templateChanged` says whether a new revision will follow. */
export function updatedService(
  service: Service,
  update: ServiceUpdate,
): { service: Service; templateChanged: boolean } {
  const next = structuredClone(service);
  delete next.status;
  const template = next.spec.template;

  if (update.annotations.length) {
    const annotations = applyKeyEdits(
      template.metadata?.annotations,
      parseKeyEdits("annotation", update.annotations),
    );
    template.metadata = { ...template.metadata, annotations };
    if (!Object.keys(annotations).length) delete template.metadata.annotations;
  }
  if (update.env.length) {
    const container = template.spec.containers[0] ??= {};
    const env = editEnv(container.env, parseKeyEdits("env", update.env));
    if (env.length) container.env = env;
    else delete container.env;
  }
  if (update.concurrencyLimit !== undefined) {
    const n = Number(update.concurrencyLimit);
    if (!/^\d+$/.test(update.concurrencyLimit) || n > 1000) {
      throw new UsageError(
        `--concurrency-limit ${update.concurrencyLimit}: want a whole number from 0 to 1000 (0 = unlimited)`,
      );
    }
    template.spec.containerConcurrency = n;
  }

  const templateChanged = JSON.stringify(template) !== JSON.stringify(service.spec.template);
  // A revision named in the template would be reused by the new template; let the platform name it.
  if (templateChanged && template.metadata?.name) delete template.metadata.name;
  if (hasTrafficEdits(update.traffic)) next.spec.traffic = editTraffic(service.spec.traffic, update.traffic);
  return { service: next, templateChanged };
}

function editEnv(env: EnvVar[] | undefined, edits: KeyEdits): EnvVar[] {
  const next = [...(env ?? [])];
  for (const [name, value] of edits.set) {
    const i = next.findIndex((e) => e.name === name);
    if (i >= 0) next[i] = { name, value };
    else next.push({ name, value });
  }
  return next.filter((e) => !edits.remove.includes(e.name));
}
