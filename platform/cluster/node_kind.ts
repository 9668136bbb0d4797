/**
 * The core `v1` Node kind of cluster mode: one object per platform node, written by the nodes
 * themselves (read-only through the API), with a Ready condition that follows the node's
 * heartbeat. `nodeReadiness` is the pure decision.
 */
import type { KindInfo } from "../resources/kinds.ts";
import type { Condition, KObject } from "../resources/meta.ts";

export const NODE_READY_REASON = "KubeletReady";
export const NODE_UNKNOWN_REASON = "NodeStatusUnknown";
export const NODE_SHUTDOWN_REASON = "NodeShutdown";

export function nodeKind(): KindInfo {
  return { group: "", version: "v1", plural: "nodes", kind: "Node", clusterScoped: true, readOnly: true };
}

export interface NodeDoc extends KObject {
  spec: Record<string, never>;
  status?: {
    conditions?: Condition[];
    addresses?: { type: string; address: string }[];
    nodeInfo?: Record<string, string>;
    daemonEndpoints?: { kubeletEndpoint: { Port: number } };
  };
}

/**
 * The Ready condition a node's heartbeat age calls for: True while the heartbeat is younger
 * than the lease, Unknown (Kubernetes' "the node stopped posting status") once it is older.
 */
export function nodeReadiness(
  heartbeatAgeMs: number,
  leaseMs: number,
): Pick<Condition, "status" | "reason" | "message"> {
  if (heartbeatAgeMs <= leaseMs) {
    return { status: "True", reason: NODE_READY_REASON, message: "denative node is posting heartbeats" };
  }
  return {
    status: "Unknown",
    reason: NODE_UNKNOWN_REASON,
    message: `the node posted no heartbeat within its ${leaseMs / 1000}s lease`,
  };
}

/** kubectl's STATUS column: Ready when the Ready condition is True, else NotReady. */
export function nodeStatusText(obj: KObject): string {
  const ready = (obj.status as NodeDoc["status"])?.conditions?.find((c) => c.type === "Ready");
  return ready?.status === "True" ? "Ready" : "NotReady";
}
