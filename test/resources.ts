/** Small helpers the integration tests share for applying resources and reading their status. */
import type { Platform } from "./harness.ts";

export interface Conditioned {
  status?: {
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    [field: string]: unknown;
  };
}

export function condition(obj: Conditioned, type = "Ready") {
  return obj.status?.conditions?.find((c) => c.type === type);
}

/** PUT a document through the admin API; the stored object. */
export async function putResource<T = Conditioned>(
  platform: Platform,
  path: string,
  doc: unknown,
): Promise<T> {
  return await platform.adminJson<T>(path, {
    method: "PUT",
    body: JSON.stringify(doc),
    headers: { "content-type": "application/json" },
  });
}

/** A sink that is a Service, with an optional path relative to it. */
export function serviceSink(name: string, uri?: string) {
  return { ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name }, ...(uri ? { uri } : {}) };
}
