/**
 * This node's membership in the cluster: a heartbeat row in `nodes` renewed every couple of
 * seconds, its `Node` object, and a monitor (run by every node, idempotent) that sets each Node's
 * Ready condition from its heartbeat's age, measured on the database's clock so nodes' clocks
 * need not agree. The count of ready nodes divides cluster-wide scale bounds.
 */
import type { Sql } from "postgres";
import type { ResourceStore } from "../store/resource_store.ts";
import { NODE_SHUTDOWN_REASON, type NodeDoc, nodeReadiness } from "./node_kind.ts";
import type { Condition } from "../resources/meta.ts";
import type { Logger } from "../log.ts";
import { pruneOnceClaims } from "./once_claims.ts";

export interface NodeRegistryOptions {
  sql: Sql;
  store: ResourceStore;
  name: string;
  /** Where this node serves, for the Node's addresses. */
  host: string;
  port: number;
  heartbeatIntervalMs: number;
  leaseMs: number;
  log: Logger;
  now?: () => Date;
}

export class NodeRegistry {
  #timer: ReturnType<typeof setInterval> | null = null;
  #ready = new Set<string>();
  #busy = false;

  constructor(private readonly opts: NodeRegistryOptions) {}

  get name(): string {
    return this.opts.name;
  }

  /** Ready nodes (this one included while it runs); at least 1. */
  get readyCount(): number {
    return Math.max(1, this.#ready.size);
  }

  async start() {
    const { sql, name, host, port } = this.opts;
    await sql`INSERT INTO nodes (name, address, started_at, heartbeat_at)
      VALUES (${name}, ${`${host}:${port}`}, now(), now())
      ON CONFLICT (name) DO UPDATE SET address = EXCLUDED.address, started_at = now(), heartbeat_at = now()`;
    const existing = this.opts.store.get<NodeDoc>("Node", "", name);
    this.opts.store.put<NodeDoc>({
      apiVersion: "v1",
      kind: "Node",
      metadata: { ...existing?.metadata, name, namespace: "", labels: { "kubernetes.io/hostname": name } },
      spec: {},
    });
    this.#setReady(name, { status: "True", reason: "KubeletReady", message: "denative node started" });
    this.opts.store.updateStatus<NodeDoc>("Node", "", name, {
      ...this.opts.store.get<NodeDoc>("Node", "", name)?.status,
      addresses: [{ type: "InternalIP", address: host }, { type: "Hostname", address: name }],
      nodeInfo: {
        kubeletVersion: `denative-deno-${Deno.version.deno}`,
        operatingSystem: Deno.build.os,
        architecture: Deno.build.arch,
      },
      daemonEndpoints: { kubeletEndpoint: { Port: port } },
    });
    await this.tick();
    this.#timer = setInterval(() => this.tick(), this.opts.heartbeatIntervalMs);
  }

  /** Renews this node's heartbeat, then brings every Node's Ready condition up to date. */
  async tick() {
    if (this.#busy) return;
    this.#busy = true;
    try {
      const { sql, name, leaseMs } = this.opts;
      await sql`UPDATE nodes SET heartbeat_at = now() WHERE name = ${name}`;
      if (Math.random() < 0.05) await pruneOnceClaims(sql);
      const rows = await sql<{ name: string; age_ms: number }[]>`
        SELECT name, (EXTRACT(EPOCH FROM now() - heartbeat_at) * 1000)::float8 AS age_ms FROM nodes`;
      const ready = new Set<string>();
      for (const row of rows) {
        const decision = nodeReadiness(row.age_ms, leaseMs);
        if (decision.status === "True") ready.add(row.name);
        const node = this.opts.store.get<NodeDoc>("Node", "", row.name);
        const current = node?.status?.conditions?.find((c) => c.type === "Ready");
        // A node that said it shut down stays so until it beats again after a restart.
        if (current?.reason === NODE_SHUTDOWN_REASON && decision.status !== "True") continue;
        if (node && (current?.status !== decision.status || current?.reason !== decision.reason)) {
          this.#setReady(row.name, decision);
        }
      }
      this.#ready = ready;
    } catch (err) {
      this.opts.log.warn(`node heartbeat failed: ${(err as Error).message}`);
    } finally {
      this.#busy = false;
    }
  }

  /** Marks this node NotReady at once (a graceful stop) and stops the heartbeat. */
  async stop() {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    try {
      this.#setReady(this.opts.name, {
        status: "False",
        reason: NODE_SHUTDOWN_REASON,
        message: "the node is shutting down",
      });
      await this.opts.sql`UPDATE nodes SET heartbeat_at = to_timestamp(0) WHERE name = ${this.opts.name}`;
    } catch (err) {
      this.opts.log.warn(`marking the node stopped failed: ${(err as Error).message}`);
    }
  }

  #setReady(name: string, c: Pick<Condition, "status" | "reason" | "message">) {
    const node = this.opts.store.get<NodeDoc>("Node", "", name);
    if (!node) return;
    const now = (this.opts.now ?? (() => new Date()))().toISOString();
    const others = (node.status?.conditions ?? []).filter((x) => x.type !== "Ready");
    const ready: Condition & { lastHeartbeatTime?: string } = {
      type: "Ready",
      ...c,
      lastTransitionTime: now,
      lastHeartbeatTime: now,
    };
    this.opts.store.updateStatus<NodeDoc>("Node", "", name, {
      ...node.status,
      conditions: [...others, ready],
    });
  }
}
