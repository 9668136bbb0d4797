/** A container's `env`, with `valueFrom.secretKeyRef` read from Secret resources. */
import type { EnvVar } from "../resources/service.ts";
import type { KObject } from "../resources/meta.ts";
import { RevisionNotRunnable } from "./revision_not_runnable.ts";

export function resolveEnv(
  vars: EnvVar[],
  getSecret: (name: string) => KObject | undefined,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const v of vars) {
    if (v.value !== undefined) {
      env[v.name] = v.value;
      continue;
    }
    const ref = v.valueFrom?.secretKeyRef;
    if (!ref) {
      env[v.name] = "";
      continue;
    }
    const secret = getSecret(ref.name) as (KObject & { data?: Record<string, string> }) | undefined;
    const encoded = secret?.data?.[ref.key];
    if (encoded === undefined) {
      if (ref.optional) continue;
      throw new RevisionNotRunnable(
        "SecretMissing",
        secret ? `secret "${ref.name}" has no key "${ref.key}"` : `secret "${ref.name}" not found`,
      );
    }
    env[v.name] = new TextDecoder().decode(Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0)));
  }
  return env;
}
