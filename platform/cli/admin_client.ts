/**
 * The HTTP client of the admin API: bearer token, JSON in and out, code bundle upload, and errors
 * turned into one readable line (a Kubernetes `Status` message, or why the API cannot be reached).
 */
import type { BundleFile } from "../store/bundle_store.ts";
import { decodeBase64, encodeBase64 } from "./base64.ts";
import { CliError } from "./cli_error.ts";

export type FetchFn = (url: string, init: RequestInit) => Promise<Response>;

export interface AdminClientOptions {
  /** Base URL of the admin API, e.g. `http://127.0.0.1:8081`. */
  admin: string;
  token?: string;
  /** Said instead of the API's 401 message when no token was found, so the user knows where to find one. */
  noTokenHint?: string;
  /** @default globalThis.fetch */
  fetch?: FetchFn;
}

/** A refusal by the admin API: its HTTP status, Kubernetes reason and message. */
export class ApiError extends CliError {
  constructor(message: string, readonly status: number, readonly reason: string) {
    super(message);
    this.name = "ApiError";
  }
}

export interface PutResult<T> {
  object: T;
  /** 201: the object did not exist before. */
  created: boolean;
}

export class AdminClient {
  readonly admin: string;
  #token?: string;
  #noTokenHint?: string;
  #fetch: FetchFn;

  constructor(options: AdminClientOptions) {
    this.admin = options.admin.replace(/\/+$/, "");
    this.#token = options.token;
    this.#noTokenHint = options.noTokenHint;
    this.#fetch = options.fetch ?? ((url, init) => fetch(url, init));
  }

  async get<T>(path: string): Promise<T> {
    return (await this.#request<T>("GET", path)).body;
  }

  /** The object at `path`, or undefined when the API answers 404. */
  async find<T>(path: string): Promise<T | undefined> {
    try {
      return await this.get<T>(path);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  /** Creates or replaces the object at `path`. */
  async put<T>(path: string, doc: unknown): Promise<PutResult<T>> {
    const { body, status } = await this.#request<T>("PUT", path, doc);
    return { object: body, created: status === 201 };
  }

  /** Creates an object in the collection at `path`; refused with 409 when it exists. */
  async create<T>(path: string, doc: unknown): Promise<T> {
    return (await this.#request<T>("POST", path, doc)).body;
  }

  async delete(path: string): Promise<void> {
    await this.#request("DELETE", path);
  }

  /** Uploads a function directory's files; answers the bundle's digest and its image name. */
  async uploadBundle(files: BundleFile[]): Promise<{ digest: string; image: string }> {
    const doc = { files: files.map((f) => ({ path: f.path, data: encodeBase64(f.data) })) };
    return (await this.#request<{ digest: string; image: string }>("POST", "/bundles", doc)).body;
  }

  /** A stored code bundle's files. */
  async downloadBundle(digest: string): Promise<BundleFile[]> {
    const body = await this.get<{ files: { path: string; data: string }[] }>(`/bundles/${digest}`);
    return body.files.map((f) => ({ path: f.path, data: decodeBase64(f.data) }));
  }

  /** A GET whose body is read as it comes (`dn logs -f`); refusals become ApiError as elsewhere. */
  async stream(path: string, signal?: AbortSignal): Promise<ReadableStream<Uint8Array>> {
    const headers: Record<string, string> = {};
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    let res: Response;
    try {
      res = await this.#fetch(new URL(path, `${this.admin}/`).href, { method: "GET", headers, signal });
    } catch (err) {
      if (err instanceof TypeError || err instanceof Deno.errors.ConnectionRefused) {
        throw new CliError(
          `cannot reach the Denative admin API at ${this.admin}: is deno task serve running?`,
        );
      }
      throw err;
    }
    if (!res.ok) throw this.#refusal(res, await res.text());
    return res.body ?? new ReadableStream({ start: (c) => c.close() });
  }

  async #request<T>(method: string, path: string, doc?: unknown): Promise<{ body: T; status: number }> {
    let url: string;
    try {
      url = new URL(path, `${this.admin}/`).href;
    } catch {
      throw new CliError(`the admin API address "${this.admin}" is not a URL`);
    }
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    if (doc !== undefined) headers["content-type"] = "application/json";
    let res: Response;
    try {
      res = await this.#fetch(url, {
        method,
        headers,
        body: doc === undefined ? undefined : JSON.stringify(doc),
      });
    } catch (err) {
      if (err instanceof TypeError || err instanceof Deno.errors.ConnectionRefused) {
        throw new CliError(
          `cannot reach the Denative admin API at ${this.admin}: is deno task serve running?`,
        );
      }
      throw err;
    }
    const text = await res.text();
    if (!res.ok) throw this.#refusal(res, text);
    try {
      return { body: (text ? JSON.parse(text) : {}) as T, status: res.status };
    } catch {
      throw new CliError(`the admin API answered ${method} ${path} with a body that is not JSON`);
    }
  }

  #refusal(res: Response, text: string): ApiError {
    let message = "";
    let reason = "";
    try {
      const status = JSON.parse(text) as { message?: unknown; reason?: unknown };
      if (typeof status.message === "string") message = status.message;
      if (typeof status.reason === "string") reason = status.reason;
    } catch {
      // not a Status object
    }
    if (!message) message = `the admin API answered ${res.status} ${res.statusText}`.trim();
    if (res.status === 401 && !this.#token && this.#noTokenHint) message = this.#noTokenHint;
    return new ApiError(message, res.status, reason);
  }
}
