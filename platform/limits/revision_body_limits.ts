/**
 * Each revision's request body limit, read from its annotations in the store. Answers are cached
 * until the store changes, so a steady stream of requests costs no query.
 */
import type { ResourceStore } from "../store/resource_store.ts";
import type { KObject } from "../resources/meta.ts";
import { requestBodyLimit } from "./request_body_annotation.ts";

export class RevisionBodyLimits {
  #cache = new Map<string, number>();
  #version = -1;

  constructor(private readonly store: ResourceStore, private readonly fallback: number) {}

  limitFor(namespace: string, revision: string): number {
    if (this.store.version !== this.#version) {
      this.#cache.clear();
      this.#version = this.store.version;
    }
    const key = `${namespace}/${revision}`;
    let limit = this.#cache.get(key);
    if (limit === undefined) {
      const rev = this.store.get<KObject>("Revision", namespace, revision);
      limit = requestBodyLimit(rev?.metadata.annotations, this.fallback);
      this.#cache.set(key, limit);
    }
    return limit;
  }
}
