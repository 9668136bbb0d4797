/**
 * Waiting for a Service after a change, as `kn service create/update` does: until the platform has
 * seen the change (`status.observedGeneration` reaches `metadata.generation`) and its Ready
 * condition is settled, with traffic that follows `@latest` moved to the latest ready revision.
 */
import type { Service } from "../resources/service.ts";
import { CliError, oneLine } from "./cli_error.ts";

export type ServiceProgress =
  | { state: "pending"; why: string }
  | { state: "ready" }
  | { state: "failed"; reason: string; message: string };

export function serviceProgress(service: Service, generation: number): ServiceProgress {
  const status = service.status;
  if ((status?.observedGeneration ?? 0) < generation) {
    return { state: "pending", why: `the platform has not seen generation ${generation} yet` };
  }
  const ready = status?.conditions?.find((c) => c.type === "Ready");
  if (!ready || ready.status === "Unknown") {
    return {
      state: "pending",
      why: [ready?.reason, ready?.message].filter(Boolean).join(": ") || "not ready yet",
    };
  }
  if (ready.status === "False") {
    return { state: "failed", reason: ready.reason ?? "NotReady", message: oneLine(ready.message ?? "") };
  }
  const latest = status?.latestReadyRevisionName;
  const lagging = status?.traffic?.find((t) => t.latestRevision && t.revisionName !== latest);
  if (lagging) return { state: "pending", why: `traffic is moving to revision "${latest}"` };
  return { state: "ready" };
}

export interface WaitOptions {
  /** Reads the Service as it is now. */
  get: () => Promise<Service>;
  /** The generation the change produced (the PUT answer's `metadata.generation`). */
  generation: number;
  timeoutMs: number;
  /** @default 100 */
  intervalMs?: number;
  /** @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
  /** @default Date.now */
  now?: () => number;
}

/** Polls until the Service is ready or failed; throws when it is still pending after the timeout. */
export async function waitForService(
  options: WaitOptions,
): Promise<{ service: Service; progress: ServiceProgress }> {
  const { get, generation, timeoutMs, intervalMs = 100 } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = options.now ?? Date.now;
  const deadline = now() + timeoutMs;
  while (true) {
    const service = await get();
    const progress = serviceProgress(service, generation);
    if (progress.state !== "pending") return { service, progress };
    if (now() >= deadline) {
      throw new CliError(
        `timed out after ${
          Math.round(timeoutMs / 1000)
        }s waiting for Service '${service.metadata.name}' to be ready (${progress.why})`,
      );
    }
    await sleep(intervalMs);
  }
}
